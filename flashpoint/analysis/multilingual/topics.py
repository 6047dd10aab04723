"""IPTC top-level topics for a story in es, fr, ru, uk or ar, from cue words kept as data.

The English tagger's statistical model was trained on English words only: run over Spanish it
guesses from names and numbers, which is the wrong English guess the issue forbids. So these
languages get the lexicon half of it alone: cue terms per topic (``lexicons/<lang>/topics.yaml``,
written in dictionary form with prefixes for inflection), scored like the English cues (evidence
per word of text, squashed into [0, 1)), with the same labels and codes
(:data:`~flashpoint.analysis.topics.TOPIC_CODES`). A story none of whose cues fire gets no topic
rather than a guess.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from flashpoint.analysis.lexicon import LEXICON_DIR, read_records, validate_records
from flashpoint.analysis.models import Topic
from flashpoint.analysis.multilingual.terms import Term, TermMatcher, parse_term
from flashpoint.analysis.multilingual.text import Token
from flashpoint.analysis.topics import TOPIC_CODES, TOPIC_LABELS

_THRESHOLD = 0.25
_MAX_TOPICS = 3
_SCALE = 3.0


class LexicalTopics:
    """Topic cues of one language."""

    def __init__(self, language: str, lexicon_dir: Path | None = None) -> None:
        path = (lexicon_dir or (LEXICON_DIR / language)) / "topics.yaml"
        records = validate_records(read_records(path), required={"topic": str, "terms": list},
                                   allowed_values={"topic": TOPIC_LABELS})
        terms: list[Term] = []
        self.topic_of: dict[str, str] = {}
        self.weight_of: dict[str, float] = {}
        for rec in records:
            self.topic_of[rec.id] = str(rec.data["topic"])
            self.weight_of[rec.id] = float(rec.data.get("weight", 1.0))
            for t in rec.data["terms"]:
                if not isinstance(t, str) or not t:
                    raise rec.fail(f"rule {rec.id!r}: every term must be a non-empty string")
                terms.append(parse_term(language, rec.id, t))
        self.matcher = TermMatcher(terms)

    def tag(self, tokens: Sequence[Token]) -> tuple[Topic, ...]:
        words = [t for t in tokens if not t.is_number]
        if not words:
            return ()
        hits: Counter[str] = Counter(term.owner for _i, term, _n in self.matcher.find(words))
        evidence: dict[str, float] = {}
        fired: dict[str, list[str]] = {}
        for rule_id, count in hits.items():
            topic = self.topic_of[rule_id]
            evidence[topic] = evidence.get(topic, 0.0) + self.weight_of[rule_id] * count
            fired.setdefault(topic, []).append(rule_id)
        norm = math.sqrt(len(words))
        scored = sorted(((math.tanh(_SCALE * v / norm), topic) for topic, v in evidence.items()), reverse=True)
        out: list[Topic] = []
        for score, topic in scored[:_MAX_TOPICS]:
            if score < _THRESHOLD or (out and score < 0.35 * out[0].score):
                break
            out.append(Topic(code=TOPIC_CODES[topic], label=topic, score=score, rule_ids=tuple(sorted(fired[topic]))))
        return tuple(out)
