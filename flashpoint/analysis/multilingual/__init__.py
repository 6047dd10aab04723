"""Analysis of news in Spanish, French, Russian, Ukrainian and Arabic.

Most first reports of a war turning are not in English, so the same questions (where, what
happened, how bad) are asked of these languages with resources of their own, kept as data per
language under ``flashpoint/lexicons/<lang>/``:

- :mod:`.text`: tokens with offsets and the matching keys each language needs (accent folding;
  Russian and Ukrainian inflection through pymorphy3's dictionaries; Arabic clitics and
  diacritics);
- :mod:`.places`: country, subdivision and city names per language, generated from pycountry's
  ISO 3166 translations and GeoNames alternate names, plus hand aliases and demonyms with ids;
- :mod:`.regions`: the region tagger, which resolves those names to the English gazetteer's places
  and summarises them with the English tagger's own summary, so tags are the same ``RegionTags``;
- :mod:`.rules` and :mod:`.engine`: escalation rules as data, read in clause windows (no parser
  exists for ru, uk and ar; es has none for this spaCy), giving the same English ``kind``s;
- :mod:`.topics`: IPTC top-level topics from cue words per language.

Everything per language is built on first use (:class:`LanguagePack`), so a worker that never
reads Arabic never loads it.
"""

from __future__ import annotations

SUPPORTED_LANGUAGES: tuple[str, ...] = ("es", "fr", "ru", "uk", "ar")
