"""Whether an escalation event happened, is threatened, planned, denied, hypothetical or history.

An on-call analyst must not be paged for "the general did not rule out air strikes" as if bombs
had fallen, nor for a 1990s battle mentioned as background. The cues live in
``lexicons/modality.yaml``; this module walks the dependency parse from the trigger word up to the
verbs that govern it and applies them with a fixed precedence (hypothetical, denied, historical,
threatened, planned, asserted), so one sentence never yields two answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint.analysis.lemmas import cheap_lemmas
from flashpoint.analysis.lexicon import lexicon_path, read_records, strip_lines, validate_records
from flashpoint.analysis.models import MODALITIES, Modality
from flashpoint.errors import LexiconError

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

MODALITY_FILE = "modality.yaml"
SCOPES = ("chain", "aux", "mark", "prep", "negated-verb", "negation-neutral", "pattern")
PRECEDENCE: tuple[Modality, ...] = (
    "hypothetical", "denied", "historical", "threatened", "planned", "asserted",
)

# Dependency edges we climb from the trigger towards the verbs that govern it. Adverbial and
# relative clauses are not climbed: "troops fled after the minister will visit" must not borrow
# the minister's future tense.
_CLIMB_DEPS = frozenset({
    "xcomp", "ccomp", "dobj", "pobj", "prep", "nsubj", "nsubjpass", "attr", "acomp", "compound",
    "amod", "conj", "appos", "oprd", "npadvmod", "dative", "pcomp", "agent", "nmod", "poss",
})
_MAX_HOPS = 6
# Every historical pattern needs one of these; sentences without any skip the regex Matcher.
# Keep in step with the pattern cues in modality.yaml.
_PATTERN_HINT = re.compile(r"1[89]\d\d|years|decades|centuries|century|past", re.IGNORECASE)
_ARGUMENT_PREPS = frozenset({"of", "to", "for", "into", "against"})


@dataclass(frozen=True, slots=True)
class ModalityCues:
    """The cue words by scope, loaded and validated once."""

    chain: dict[str, Modality]
    aux: dict[str, Modality]
    mark: dict[str, Modality]
    prep: dict[tuple[str, ...], Modality]
    negated_verbs: dict[str, Modality]
    negation_neutral: frozenset[str]
    patterns: tuple[tuple[str, Modality, tuple[tuple[dict[str, Any], ...], ...]], ...]


def load_modality_cues(path: Path | None = None) -> ModalityCues:
    """Read and validate ``modality.yaml`` (file, line and reason on any defect)."""
    records = validate_records(
        read_records(path or lexicon_path(MODALITY_FILE)),
        required={"modality": str, "scope": str},
        allowed_values={"modality": MODALITIES, "scope": SCOPES},
    )
    chain: dict[str, Modality] = {}
    aux: dict[str, Modality] = {}
    mark: dict[str, Modality] = {}
    prep: dict[tuple[str, ...], Modality] = {}
    negated: dict[str, Modality] = {}
    neutral: set[str] = set()
    patterns: list[tuple[str, Modality, tuple[tuple[dict[str, Any], ...], ...]]] = []
    for rec in records:
        modality: Modality = rec.data["modality"]
        scope = rec.data["scope"]
        if scope == "pattern":
            pats = strip_lines(rec.data.get("patterns"))
            if not isinstance(pats, list) or not pats or not all(
                isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in pats
            ):
                raise rec.fail(f"rule {rec.id!r}: 'patterns' must be a list of token-pattern lists")
            patterns.append((rec.id, modality, tuple(tuple(p) for p in pats)))
            continue
        words = rec.data.get("words")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise rec.fail(f"rule {rec.id!r}: 'words' must be a non-empty list of strings")
        for word in (w.lower() for w in words):
            if scope == "chain":
                chain[word] = modality
            elif scope == "aux":
                aux[word] = modality
            elif scope == "mark":
                mark[word] = modality
            elif scope == "prep":
                prep[tuple(word.split())] = modality
            elif scope == "negated-verb":
                negated[word] = modality
            else:
                neutral.add(word)
    return ModalityCues(chain, aux, mark, prep, negated, frozenset(neutral), tuple(patterns))


def _is_verbal(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


class ModalityResolver:
    """Applies :class:`ModalityCues` to a trigger token in a parsed sentence."""

    def __init__(self, vocab: Vocab, cues: ModalityCues | None = None) -> None:
        from spacy.matcher import Matcher

        self.cues = cues or load_modality_cues()
        self._matcher = Matcher(vocab)
        for rule_id, _modality, pats in self.cues.patterns:
            try:
                self._matcher.add(rule_id, [list(p) for p in pats])
            except (ValueError, KeyError) as e:
                raise LexiconError(f"{MODALITY_FILE}: rule {rule_id!r}: bad pattern: {e}") from e
        self._pattern_modality = {rule_id: m for rule_id, m, _ in self.cues.patterns}

    def sentence_cues(self, doc: Doc) -> list[tuple[str, Modality, int]]:
        """Pattern cues (historical background) as (cue id, modality, token index)."""
        out: list[tuple[str, Modality, int]] = []
        if not _PATTERN_HINT.search(doc.text):
            return out
        for match_id, start, _end in self._matcher(doc):
            rule_id = doc.vocab.strings[match_id]
            out.append((rule_id, self._pattern_modality[rule_id], start))
        return out

    def scoped(
        self, anchor: Token, cues: Iterable[tuple[str, Modality, int]]
    ) -> list[tuple[str, Modality]]:
        """The pattern cues that belong to the trigger's clause: "troops, who have been fighting
        for 20 years, left the base" - the 20 years date the fighting, not the leaving. A cue
        counts when walking up from it reaches the trigger or the verbs governing it without
        leaving a relative or adverbial clause."""
        governors = {t.i for t, _same in self._chain(anchor)}
        out: list[tuple[str, Modality]] = []
        for cue_id, modality, index in cues:
            tok = anchor.doc[index]
            for _ in range(8):
                if tok.i in governors:
                    out.append((cue_id, modality))
                    break
                if tok.head.i == tok.i or tok.dep_ in ("relcl", "acl", "advcl", "appos"):
                    break
                tok = tok.head
        return out

    def _chain(self, anchor: Token) -> list[tuple[Token, bool]]:
        """The trigger and its governors, each flagged whether it is still in the trigger's clause."""
        path: list[tuple[Token, bool]] = [(anchor, True)]
        tok = anchor
        same_clause = True
        for _ in range(_MAX_HOPS):
            # "denied accusations that its troops had used chemical weapons": the content clause
            # of a noun belongs to what governs the noun, like a verb's complement
            content_clause = tok.dep_ == "acl" and any(
                c.dep_ == "mark" and c.lower_ == "that" for c in tok.children)
            if tok.dep_ == "ROOT" or tok.head.i == tok.i or (
                    tok.dep_ not in _CLIMB_DEPS and not content_clause):
                break
            # an adjunct ("in retaliation for an air raid") is not what the verb threatens
            if tok.dep_ == "prep" and tok.lower_ not in _ARGUMENT_PREPS:
                break
            if tok.dep_ == "ccomp" or content_clause:
                same_clause = False
            tok = tok.head
            path.append((tok, same_clause))
        return path

    def _negation(self, anchor: Token, path: list[tuple[Token, bool]]) -> tuple[Modality, str] | None:
        """Negation of the trigger or of the first verb governing it."""
        candidates: list[Token] = [anchor]
        for tok, same in path[1:]:
            if not same:
                break
            candidates.append(tok)
            if _is_verbal(tok):
                break
        for tok in candidates:
            negated = any(
                (c.dep_ == "neg" or (c.dep_ in ("det", "advmod") and c.lower_ in ("no", "never")))
                for c in tok.children
            )
            if not negated:
                continue
            lemmas = cheap_lemmas(tok.lower_)
            particles = "".join(f" {c.text}" for c in tok.children if c.dep_ == "prt")
            cue = f"negated '{tok.text}{particles}'"
            flip = next((self.cues.negated_verbs[w] for w in lemmas if w in self.cues.negated_verbs), None)
            if flip is not None:
                return flip, cue
            if any(w in self.cues.negation_neutral for w in lemmas):
                continue
            return "denied", cue
        return None

    def resolve(
        self, anchor: Token, sentence_cues: Iterable[tuple[str, Modality]] = ()
    ) -> tuple[Modality, str]:
        """The modality of the event the trigger names, and the cue that decided it."""
        found: dict[Modality, str] = {}
        path = self._chain(anchor)
        negation = self._negation(anchor, path)
        if negation is not None and negation[0] != "asserted":
            found.setdefault(negation[0], negation[1])
        for tok, same_clause in path:
            if tok.i != anchor.i:
                for lemma in cheap_lemmas(tok.lower_):
                    if lemma in self.cues.chain:
                        found.setdefault(self.cues.chain[lemma], f"governed by '{tok.text}'")
                        break
            for child in tok.children:
                low = child.lower_
                if same_clause and child.dep_ in ("aux", "auxpass") and low in self.cues.aux:
                    found.setdefault(self.cues.aux[low], f"modal '{child.text}'")
                if child.dep_ == "mark" and low in self.cues.mark:
                    found.setdefault(self.cues.mark[low], f"clause '{child.text} ...'")
                if child.dep_ == "prep":
                    words = tuple(t.lower_ for t in child.subtree)
                    for cue, modality in self.cues.prep.items():
                        if words[: len(cue)] == cue or words == cue:
                            found.setdefault(modality, f"'{' '.join(cue)}'")
        for cue_id, modality in sentence_cues:
            found.setdefault(modality, cue_id)
        for modality in PRECEDENCE:
            if modality in found:
                return modality, found[modality]
        return "asserted", ""
