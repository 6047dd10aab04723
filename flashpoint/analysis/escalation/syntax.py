"""Reading the parse of one sentence: who did it, to what, where, how many; and sentences.

The engine parses only candidate sentences, without NER, the lemmatizer or the attribute ruler
(they cost as much as the parser), so POS comes from the tagger's Penn tags (:func:`assign_pos`)
and lemma-like matching from :func:`flashpoint.analysis.lemmas.cheap_lemmas`. Roles are read off
the dependency tree: the subject phrase (inherited through xcomp/conj/relative clauses, the "by"
agent of a passive), the object phrase and each prepositional phrase.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flashpoint.analysis.lemmas import cheap_lemmas
from flashpoint.analysis.models import PlaceMention
from flashpoint.analysis.quantity import Count, is_count_word, parse_count

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PLACE_PREPS = frozenset({"in", "at", "near", "inside", "across", "throughout", "from", "on",
                         "around", "outside", "within", "along"})
UNIT_WORDS = frozenset({
    "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minute",
    "minutes", "km", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles",
    "percent", "%", "per", "cent", "time", "times", "metre", "metres", "meter", "meters", "o'clock",
    "am", "pm", "a.m.", "p.m.", "kg", "tonnes", "tons", "dollars", "euros", "$", "round",
})
AGE_WORDS = frozenset({"aged", "age", "ages", "ageing"})
TIME_WORDS = frozenset({"a.m.", "p.m.", "am", "pm", "o'clock", "hrs", "gmt", "utc", "local", "h",
                        ":", "a.m", "p.m"})
_CLOCK_PREPS = frozenset({"from", "until", "till", "at", "between", "and", "to", "after", "before"})
CURRENCY_WORDS = frozenset({
    "$", "€", "£", "us$", "usd", "eur", "dollars", "dollar", "euros", "euro", "pounds", "rubles",
    "roubles", "yuan", "naira", "shillings", "francs", "rupees", "hryvnias", "rand", "cfa", "yen",
    "billion-dollar", "million-dollar",
})
# "Brigade 155", "Route 5", "Resolution 2254": a number that names, not counts
NUMBERED_NOUNS = frozenset({
    "brigade", "battalion", "unit", "route", "highway", "road", "flight", "resolution", "article",
    "no", "no.", "number", "camp", "sector", "block", "gate", "zone", "kilometre", "kilometer",
    "level", "phase", "grade", "platform", "line", "bus", "room", "ward", "point", "hill",
    "height", "regiment", "division", "corps", "squadron", "fleet", "district", "precinct",
    "chapter", "section", "paragraph", "terminal", "runway", "channel", "category", "class",
})
MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
})
# Edges that leave the phrase of a word: a relative clause about the Taliban inside the subject
# "troops, who have been fighting the Taliban" must not make the Taliban the actor.
_CLAUSAL = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "appos", "punct",
                      "cc", "mark", "csubj"})
_SUBJ = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
TIME_PREPS = frozenset({"since", "until", "till", "before", "after", "during", "of@verb"})
_RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom", "whose"})


def core_phrase(tok: Token) -> list[Token]:
    """The token's phrase without relative/adverbial/complement clauses."""
    out: list[Token] = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _CLAUSAL)
    return sorted(out, key=lambda t: t.i)


def is_verb(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX")


def governing_verb(tok: Token, hops: int = 12) -> Token:
    """The verb whose clause ``tok`` belongs to: ``tok`` itself if it is one, else the first verb
    up its heads within ``hops`` steps (the root, or where the climb stopped, when none)."""
    for _ in range(hops):
        if is_verb(tok) or tok.head.i == tok.i:
            return tok
        tok = tok.head
    return tok


def subjects_of(verb: Token, hops: int = 3) -> list[Token]:
    """Subject phrase of a verb: passive agent first, inherited from the governing clause when
    the verb has none (xcomp, conj, advcl) or only a pronoun (ccomp "announced that they left")."""
    agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        # passive: the actor is the "by" agent, if any; the passive subject is what was acted on
        return agents
    subj = [c for c in verb.children if c.dep_ in _SUBJ]
    if subj and verb.dep_ == "relcl" and all(s.lower_ in _RELATIVE_PRONOUNS for s in subj):
        return [verb.head]
    if not subj and verb.dep_ == "acl" and verb.tag_ == "VBN":
        # "a soldier killed in Afghanistan", "rockets fired from Gaza": the noun is the patient
        return agents
    if not subj and verb.dep_ in ("relcl", "acl") and not agents:
        return [verb.head]
    pronoun_only = bool(subj) and all(s.pos_ == "PRON" for s in subj)
    if (not subj or pronoun_only) and hops > 0 and verb.dep_ in (
        "xcomp", "conj", "advcl", "ccomp", "pcomp", "relcl", "acl"
    ) and verb.head.i != verb.i:
        head = verb.head
        while not is_verb(head) and head.head.i != head.i and head.dep_ in ("acomp", "prep", "pobj"):
            head = head.head
        inherited = subjects_of(head, hops - 1) if is_verb(head) or head.dep_ == "ROOT" else []
        if inherited:
            return agents + inherited
    return agents + subj


# Verbs of an attribution (", police said", ", a local official told Reuters by phone")
SPEECH_VERBS = frozenset({"said", "says", "say", "told", "tells", "reported", "reports", "added",
                          "adds", "stated", "claimed", "according"})
_ATTRIBUTION_BREAKS = frozenset({",", ";", "—", "–", "(", ")", ":", '"', "“", "”"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_MAX_SPEAKER_TOKENS = 9


def attribution_tokens(doc: Doc) -> frozenset[int]:
    """Tokens that name who reports the news, not who took part: the speaker of a trailing
    attribution (", police and residents said", ", a spokesman told AFP by phone", "according to
    the army"). Read off the surface, because the small parser often hangs a trailing speaker
    onto the place before it ("in Benue state, police and residents said"). A sentence-initial
    speaker ("Soldiers said they killed...") is left alone: it may be the actor."""
    out: set[int] = set()
    n = len(doc)
    for i, tok in enumerate(doc):
        low = tok.lower_
        if low not in SPEECH_VERBS:
            continue
        if low == "according":
            if i + 1 < n and doc[i + 1].lower_ == "to":
                j = i + 2
                while j < n and doc[j].text not in _ATTRIBUTION_BREAKS and doc[j].text != ".":
                    out.add(j)
                    j += 1
            continue
        j = i - 1
        while j >= 0 and doc[j].text not in _ATTRIBUTION_BREAKS and doc[j].tag_ not in _FINITE_TAGS:
            j -= 1
        run = range(j + 1, i)
        if j < 0 or doc[j].text not in (",", "—", "–") or not 1 <= len(run) <= _MAX_SPEAKER_TOKENS:
            continue
        reported = ("ccomp",) if low in ("told", "tells") else ("ccomp", "dobj")
        if any(c.dep_ in reported and c.i > i for c in tok.children):
            # ", while rebels said they had shot down a helicopter", ", and rebels claimed
            # control of the town": the actor of what follows, not a speaker
            continue
        out.update(run)
        if low in ("told", "tells"):
            k = i + 1
            while k < n and doc[k].text not in _ATTRIBUTION_BREAKS and doc[k].text != ".":
                out.add(k)
                k += 1
    return frozenset(out)


# participles that open the speaker's comment on the news: ", calling it a breach of the deal"
_COMMENT_VERBS = frozenset({"calling", "describing", "saying", "adding", "accusing", "blaming",
                            "citing", "denouncing", "condemning", "branding", "dismissing"})
# a clause opened by these happened after the event: "before the attackers fled"
_LATER_MARKS = frozenset({"before", "until", "till"})


def event_clause(anchor: Token, speakers: frozenset[int]) -> list[Token]:
    """The tokens of the clause that reports the event: the trigger's verb (or the verb its noun
    hangs off) with everything under it, less the attribution, the speaker's comment and
    parallel sentences run on with a comma (parataxis)."""
    verb = governing_verb(anchor, hops=4)
    out: list[Token] = []
    stack = [verb]
    while stack:
        t = stack.pop()
        if t.i in speakers:
            continue
        out.append(t)
        stack.extend(c for c in t.children
                     if c.dep_ != "parataxis" and c.lower_ not in _COMMENT_VERBS
                     and c.lower_ not in SPEECH_VERBS)
    return sorted(out, key=lambda t: t.i)


def in_comment(anchor: Token, hops: int = 4) -> bool:
    """The trigger describes someone a speaker's tacked-on comment names (", blaming the army,
    which is fighting militias"). The deed the comment charges someone with, or what it says
    happened, is the news itself: ", accusing the government of chemical attacks", ", saying a
    suicide bomber was responsible"."""
    if anchor.dep_ in ("pobj", "pcomp") and anchor.head.lower_ in ("of", "for"):
        return False
    tok = anchor
    described = False  # on the way up: a clause describing someone the comment names
    for _ in range(hops):
        described = described or tok.dep_ in ("relcl", "acl")
        head = tok.head
        if head.i == tok.i:
            return False
        if head.lower_ in _COMMENT_VERBS and head.tag_ == "VBG" and head.dep_ in (
                "advcl", "xcomp", "conj", "ccomp"):
            # ", saying a suicide bomber was responsible" tells the news; ", blaming the
            # army, which is fighting Fano" describes who is blamed
            return described
        tok = head
    return False


def clause_head(anchor: Token) -> Token:
    """The verb whose clause tells the event: a noun trigger's governing verb, and a participle
    without a subject of its own ("..., killing five soldiers") belongs to the clause it hangs
    off. Two conjoined clauses with their own subjects are two events."""
    tok = governing_verb(anchor, hops=6)
    for _ in range(4):
        own_subject = any(c.dep_ in _SUBJ for c in tok.children)
        if tok.dep_ in ("advcl", "xcomp", "acl", "pcomp") and not own_subject \
                and tok.head.i != tok.i:
            tok = tok.head
            while not is_verb(tok) and tok.head.i != tok.i:
                tok = tok.head
            continue
        break
    return tok


def later_clause(verb: Token) -> bool:
    """The clause says what happened afterwards ("before reinforcements arrived")."""
    return any(c.dep_ in ("mark", "prep") and c.lower_ in _LATER_MARKS for c in verb.children) or (
        verb.dep_ == "conj" and later_clause(verb.head))


@dataclass(frozen=True, slots=True)
class Roles:
    subject: tuple[Token, ...]
    object: tuple[Token, ...]
    preps: tuple[tuple[str, tuple[Token, ...]], ...]  # (preposition, its object phrase)
    core_object: tuple[Token, ...] = ()  # direct object only: what negative checks look at


def roles_of(anchor: Token) -> Roles:
    subject: list[Token] = []
    obj: list[Token] = []
    core_obj: list[Token] = []
    preps: list[tuple[str, tuple[Token, ...]]] = []

    def add_preps(tok: Token) -> None:
        for c in tok.children:
            # a particle with an object is a mis-parsed preposition or a phrasal verb's object:
            # "shot down/prt missiles/pobj"
            if c.dep_ == "prep" or (c.dep_ == "prt" and (
                    c.lower_ in ("to", "into") or any(g.dep_ == "pobj" for g in c.children))):
                phrase = [t for g in c.children if g.dep_ in ("pobj", "pcomp") for t in core_phrase(g)]
                # "of" hanging off a verb ("since the start, in May, of the withdrawal") is not
                # the "of" of "six districts of Badakhshan"
                name = "of@verb" if c.lower_ == "of" and is_verb(tok) else c.lower_
                preps.append((name, tuple(phrase)))
                obj.extend(phrase)

    if is_verb(anchor):
        for s in subjects_of(anchor):
            subject.extend(core_phrase(s))
        if anchor.dep_ == "acl" and anchor.tag_ == "VBN":
            obj.extend(t for t in core_phrase(anchor.head) if t.i != anchor.i)
            core_obj.append(anchor.head)
        for c in anchor.children:
            if c.dep_ in ("dobj", "attr", "oprd", "dative", "nsubjpass", "acomp"):
                obj.extend(core_phrase(c))
                core_obj.extend(core_phrase(c))
                add_preps(c)  # "break off relations with Congo"
        add_preps(anchor)
    else:
        for c in anchor.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod", "nummod", "quantmod"):
                subject.extend(core_phrase(c))
        add_preps(anchor)
        core_obj.extend(t for prep, phrase in preps if prep == "of" for t in phrase)
        head = anchor.head
        if anchor.dep_ in ("dobj", "attr", "oprd", "nsubjpass") and is_verb(head):
            for s in subjects_of(head):
                subject.extend(core_phrase(s))
            add_preps(head)
        elif anchor.dep_ == "pobj" and head.lower_ in ("in", "into") and is_verb(head.head):
            for s in subjects_of(head.head):
                subject.extend(core_phrase(s))
        elif anchor.dep_ in ("nsubj",) and is_verb(head):
            for c in head.children:
                if c.dep_ in ("dobj", "attr"):
                    obj.extend(core_phrase(c))
            add_preps(head)
    # the trigger itself is neither actor nor object
    subject = [t for t in subject if t.i != anchor.i]
    obj = [t for t in obj if t.i != anchor.i]
    # subject keeps its priority order (noun modifiers before the clause subject: "the Taliban
    # offensive" is the Taliban's even when "soldiers fled the Taliban offensive")
    return Roles(tuple(dict.fromkeys(subject)), tuple(sorted(set(obj), key=lambda t: t.i)),
                  tuple(preps), tuple(t for t in core_obj if t.i != anchor.i))


def governed_by(anchor: Token, words: frozenset[str], hops: int = 3) -> bool:
    """Whether the trigger or a word governing it (a few hops up) is one of ``words``: "lifted a
    curfew" is the end of a curfew, not a new one."""
    tok = anchor
    for _ in range(hops + 1):
        if tok.i != anchor.i and not words.isdisjoint(cheap_lemmas(tok.lower_)):
            return True
        if any(c.dep_ in ("amod", "compound") and not words.isdisjoint(cheap_lemmas(c.lower_))
               for c in tok.children):
            return True
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return False


def _not_a_quantity(doc: Doc, start: int, end: int) -> bool:
    """Numbers that are not counts of people or things: ages ("under the age of 60"), clock
    times ("from 6 a.m."), dates, percentages, money, distances and unit numbers ("Brigade 155")."""
    before = [t.lower_ for t in doc[max(0, start - 3):start]]
    after = [t.lower_ for t in doc[end:end + 3]]
    prev = before[-1] if before else ""
    nxt = after[0] if after else ""
    if prev in AGE_WORDS or before[-2:] in (["age", "of"], ["ages", "of"]) or (
            nxt in ("-", "year", "years") and any(w.startswith(("year", "old")) for w in after[1:])):
        return True
    if nxt in TIME_WORDS or nxt in MONTHS or prev in MONTHS:
        return True
    first = doc[start].text
    if (len(first) == 4 and first.isdigit() and prev in _CLOCK_PREPS
            and int(first[2:]) < 60 and int(first[:2]) < 24):
        return True  # "a curfew between 2200 and 0700"
    if nxt in UNIT_WORDS or nxt in CURRENCY_WORDS or prev in CURRENCY_WORDS:
        return True
    return prev in NUMBERED_NOUNS and doc[start].like_num and doc[start].text[:1].isdigit()


def count_in(tokens: Sequence[Token]) -> Count | None:
    """The first count spelled in ``tokens`` that counts people or things, not time or distance."""
    idx = {t.i for t in tokens}
    if not tokens:
        return None
    doc = tokens[0].doc
    used: set[int] = set()
    for i in sorted(idx):
        if i in used:
            continue
        tok = doc[i]
        if not is_count_word(tok.text) or (tok.like_num is False and tok.lower_ not in (
            "dozens", "hundreds", "thousands", "millions", "scores", "tens", "dozen"
        )):
            continue
        if tok.lower_ in ("may", "march") or tok.tag_ in ("JJ",):
            continue
        # the run of count words, with a leading "a"/"several"
        start = i
        if start > 0 and doc[start - 1].lower_ in ("a", "an", "several", "few"):
            start -= 1
        end = i + 1
        while end < len(doc) and (
            is_count_word(doc[end].text)
            or (doc[end].lower_ in ("and", "of") and end + 1 < len(doc)
                and is_count_word(doc[end + 1].text) and doc[end + 1].lower_ not in ("one",))
        ):
            end += 1
        used.update(range(start, end))
        words = [t.text for t in doc[start:end]]
        last = doc[end - 1]
        # what is being counted: the head noun of a numeral, or the "of" object of "dozens of"
        counted = last.head if last.dep_ in ("nummod", "quantmod", "compound") else last
        if counted is last:
            of_objs = [g for c in last.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"]
            if of_objs:
                counted = of_objs[0]
        # "millions of rand", "thousands of dollars": money counts no people
        if counted.lower_ in UNIT_WORDS or counted.lower_ in CURRENCY_WORDS \
                or _not_a_quantity(doc, start, end):
            continue
        if counted.i == last.i and start > 0 and doc[start - 1].lower_ in _CLOCK_PREPS:
            continue  # "a curfew from 6 in the evening": an hour, counting nothing
        if len(words) == 1 and words[0].isdigit() and len(words[0]) == 4 and 1800 <= int(words[0]) <= 2100:
            continue
        count = parse_count(words)
        if count is not None and count.value > 0:
            return count
    return None


# Penn Treebank tag -> Universal POS, what the attribute ruler would have set.
_TAG_POS: dict[str, str] = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "VB": "VERB", "VBD": "VERB",
    "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ",
    "JJR": "ADJ", "JJS": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "IN": "ADP",
    "RP": "ADP", "DT": "DET", "PDT": "DET", "WDT": "DET", "CD": "NUM", "PRP": "PRON",
    "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "EX": "PRON", "CC": "CCONJ", "TO": "PART",
    "POS": "PART", "UH": "INTJ", "SYM": "SYM", "HYPH": "PUNCT", "NFP": "PUNCT", ".": "PUNCT",
    ",": "PUNCT", ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT",
    "$": "SYM", "AFX": "ADJ", "FW": "X", "LS": "X", "ADD": "X", "XX": "X", "_SP": "SPACE",
}


def assign_pos(doc: Doc) -> None:
    for tok in doc:
        pos = _TAG_POS.get(tok.tag_, "X")
        if pos == "VERB" and tok.dep_ in ("aux", "auxpass"):
            pos = "AUX"
        tok.pos_ = pos
    repair_headline_verb(doc)


# what the parser hangs a headline's object on when it misses the verb: "pounds/ROOT El Fasher/appos",
# "retakes/ROOT Wad Madani/npadvmod"
_HEADLINE_OBJECT_DEPS = frozenset({"dobj", "appos", "npadvmod"})


def repair_headline_verb(doc: Doc) -> None:
    """A headline drops its articles and puts its verb in the present tense, and the tagger then
    reads the verb as a plural noun: "Army shells rebel positions", "Artillery pounds El Fasher",
    or folds it into one long name ("Howitzers pound/compound Lyman/ROOT"). In a sentence with no
    clause of its own, a noun root with a noun before it and a noun phrase right after it is the
    verb: the noun before is its subject (with its own modifiers), the noun phrase after its
    object. A verb root whose object the parser left as an adverbial or apposition
    ("retakes/VERB Wad Madani/npadvmod") gets it back as its object."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.i == 0:
        return
    if root.pos_ in ("NOUN", "PROPN") and not any(
            t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound") for t in doc):
        lefts = _noun_lefts(root)
        if root.pos_ == "PROPN" or not lefts or not (_headline_object(root) or _plural_before_prep(root, lefts)):
            verb = _verb_in_compound(root)
            if verb is None:
                return
            root, lefts = verb, _noun_lefts(verb)
            if not lefts:
                return
        root.tag_ = "VBZ" if root.tag_ in ("NNS", "VBZ") else "VBP"
        root.pos_ = "VERB"
        subject = lefts[-1]
        subject.dep_ = "nsubj"
        for c in list(root.lefts):
            if c.i < subject.i:
                c.head = subject
    if root.pos_ == "VERB" and not any(c.dep_ == "dobj" for c in root.children):
        obj = _headline_object(root)
        if obj is not None:
            obj.dep_ = "dobj"


def _plural_before_prep(root: Token, lefts: list[Token]) -> bool:
    """ "Missiles slam into Zaporizhzhia", "Shells rain on the town": a plural noun, then a base
    form the tagger read as a singular noun, then a preposition. The agreement is the evidence
    ("Car bomb in Kabul" and "Air strikes on Gaza" stay noun phrases)."""
    nxt = root.doc[root.i + 1] if root.i + 1 < len(root.doc) else None
    return (root.tag_ == "NN" and lefts[-1].tag_ == "NNS" and lefts[-1].i == root.i - 1
            and nxt is not None and nxt.dep_ == "prep" and nxt.head.i == root.i)


def _noun_lefts(tok: Token) -> list[Token]:
    return [c for c in tok.lefts if c.pos_ in ("NOUN", "PROPN") and c.dep_ in ("compound", "nsubj", "nmod")]


def _verb_in_compound(root: Token) -> Token | None:
    """ "Howitzers pound Lyman" read as one name: the word before the root, itself after a noun,
    is the verb and becomes the root, with the old root as its object."""
    if root.i < 2:
        return None
    word = root.doc[root.i - 1]
    if word.head.i != root.i or word.dep_ != "compound" or word.tag_ not in ("NNS", "NN", "VBZ", "VBP") \
            or word.pos_ == "PROPN" or root.doc[word.i - 1].pos_ not in ("NOUN", "PROPN"):
        return None
    lefts = [c for c in root.lefts if c.i < word.i]
    word.head = word
    word.dep_ = "ROOT"
    root.head = word
    root.dep_ = "dobj"
    for c in lefts:
        c.head = word
    return word


def _headline_object(root: Token) -> Token | None:
    """The noun phrase that follows ``root`` at once and hangs off it as object, apposition or
    adverbial noun ("shells/ROOT rebel positions/dobj", "pounds/ROOT El Fasher/appos")."""
    return next((c for c in root.rights if c.dep_ in _HEADLINE_OBJECT_DEPS
                 and c.pos_ in ("NOUN", "PROPN") and c.left_edge.i == root.i + 1), None)


MAX_SENTENCE_CHARS = 600
WINDOW_CHARS = 200
WORD_RE = re.compile(r"[^\W_]+|[^\w\s]")
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n\s*")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "sgt", "capt", "gov", "sen", "rep", "st",
    "jr", "no", "vs", "u.s", "u.n", "u.k", "e.g", "i.e", "inc", "co", "corp", "adm", "brig", "cpl",
    "pvt", "prof", "rev", "ft", "mt", "jan", "feb", "aug", "sept", "oct", "nov", "dec",
})


def split_sentences(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) offsets of sentences, cut at sentence punctuation followed by a capital and
    at line breaks (headings and bylines are not part of the next sentence). A regex, not the
    tokenizer: this runs over every sentence of every article."""
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        if m.group(0)[0] == ".":
            before = text[max(start, m.start() - 5):m.start()].rsplit(None, 1)
            word = before[-1].lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        end = m.end() if m.group(0)[0] in ".!?" else m.start()
        if text[start:end].strip():
            yield _trim(text, start, end)
        start = m.end()
    if text[start:].strip():
        yield _trim(text, start, len(text))


# A wire dateline opening a paragraph ("KHARTOUM, June 9 (Reuters) -", "KYIV, May 3 -") is not
# part of the first sentence: the parser reads "KHARTOUM" as its subject.
_DATELINE_RE = re.compile(
    r"[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3}"
    r"(?:,[^\n()\-–—]{1,60}\s*(?:\([A-Za-z.&' ]{2,30}\)\s*)?|\s*\([A-Za-z.&' ]{2,30}\)\s*)"
    r"[-–—]+\s+(?=\S)"
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    if text[start:start + 2].isupper():
        dateline = _DATELINE_RE.match(text, start, end)
        if dateline is not None and dateline.end() < end:
            start = dateline.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def any_between(sorted_starts: list[int], lo: int, hi: int) -> bool:
    i = bisect_left(sorted_starts, lo)
    return i < len(sorted_starts) and sorted_starts[i] < hi


def places_by_token(doc: Doc, base: int, mentions: Iterable[PlaceMention]) -> dict[int, PlaceMention]:
    out: dict[int, PlaceMention] = {}
    end_of_doc = base + len(doc.text)
    for m in mentions:
        if m.span.end <= base or m.span.start >= end_of_doc:
            continue
        span = doc.char_span(m.span.start - base, m.span.end - base, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            out[t.i] = m
    return out
