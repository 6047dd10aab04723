"""Region tagging: which countries, ISO 3166-2 subdivisions and UN regions a story is about.

Every alert is routed by where it happens, so a wrong country pages the wrong desk. The tagger
therefore prefers saying nothing to guessing: a name that is also a word ("Nice", "Split"), a
first name ("Chad", "Jordan") or a small town somewhere else needs support from the story before
it tags.

How it works, and why it is fast enough for the stream (>= 500 articles/s per core):

1. One Aho-Corasick pass over the cleaned text finds every gazetteer name
   (:meth:`Gazetteer.iter_matches`). No parser or NER runs over the article: the notes measured
   NER at ~15 articles/s and found the small model mislabels "Tajikistan" and "Tajik" anyway.
2. Names with one unambiguous reading (most country names, demonyms, big capitals) become
   *anchors*: evidence of which countries and provinces the story is about.
3. Every name's readings are scored: kind of place, population, anchors (a place named in a story
   about country X resolves inside X), neighbours of anchors, a container after a comma ("Paris,
   Texas"), a "province"/"city of" cue. Weak readings (common words, first names, small towns)
   must also clear an evidence check, and lose when the name sits inside a longer proper name
   ("George Washington", "Northern Alliance"). A name the story once writes as a person's ("Roy
   Jones", "Jones said", "Flores, 26,") is a person all through the story. The context words
   (locatives, titles, street words...) are data: ``lexicons/regions-cues.yaml``.
4. The primary country is the one with the most weighted mentions, counting the headline and lede
   double: a story is about the place it opens with.

The modules follow those jobs: :mod:`.cues` (what the tagger reads), :mod:`.context` (the words
around each name), :mod:`.people` (candidates, and names that are people or words),
:mod:`.scoring` and :mod:`.weights` (how readings are weighed), :mod:`.resolution` (the steps
above, in order), :mod:`.summary` (tags from resolved names) and :mod:`.tagger` (the object the
analyzer holds).
"""

from __future__ import annotations

from flashpoint.analysis.regions.context import ResolvedPlace, headline_end
from flashpoint.analysis.regions.cues import (
    CUES_LEXICON,
    EVIDENCE_LEXICON,
    CountryEvidence,
    RegionCues,
    RegionKnowledge,
    load_country_evidence,
    load_region_cues,
)
from flashpoint.analysis.regions.tagger import RegionTagger
from flashpoint.analysis.regions.weights import DEFAULT_WEIGHTS, RegionWeights

__all__ = [
    "CUES_LEXICON",
    "DEFAULT_WEIGHTS",
    "EVIDENCE_LEXICON",
    "CountryEvidence",
    "RegionCues",
    "RegionKnowledge",
    "RegionTagger",
    "RegionWeights",
    "ResolvedPlace",
    "headline_end",
    "load_country_evidence",
    "load_region_cues",
]
