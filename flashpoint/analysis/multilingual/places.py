"""Place names per language, each pointing at the English gazetteer's own places.

Every name resolves to a :class:`~flashpoint.analysis.gazetteer.Place` of the English gazetteer
(or, for demonyms and hand aliases, a place with the same country and ISO 3166-2 codes), so a
Spanish or Arabic story gets exactly the tags an English one would. Sources, generated rather
than typed:

- country names: pycountry's ISO 3166-1 translations (``name``, ``common_name``,
  ``official_name``; "Congo, República Democrática del" also read as "República Democrática del
  Congo", and its head "Congo" kept when no other country shares it);
- subdivision names: pycountry's ISO 3166-2 translations (uk 4,900, fr 3,800, ru 1,900), and for
  Latin-script languages the local names themselves ("Antioquia", "Nord-Kivu");
- cities: for es and fr the English gazetteer's names (local and Latin alternate names of big
  cities: "Alepo", "Moscou"), with GeoNames' villages of the language's own countries as weak names; for
  ru, uk and ar the Cyrillic and Arabic GeoNames names built by
  :mod:`flashpoint.tools.multilingual_build`;
- hand entries with ids in ``lexicons/<lang>/regions.yaml``: short and usual names the
  translations lack ("Rusia", "EE.UU.", "Донбасс"), capitals' exonyms, demonyms (with the forms
  each language inflects them into), and country evidence (institutions only one country has).

A *weak* name (a small town, a word that is also an ordinary word) tags only with support from the
story: another name in the same country, a containing province after it ("Argelia, Cauca"), or a
cue before it ("municipio de").
"""

from __future__ import annotations

import gettext
import gzip
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashpoint.analysis.gazetteer import Gazetteer, Place
from flashpoint.analysis.lexicon import DATA_DIR, LEXICON_DIR, LexiconRecord, read_records, validate_records
from flashpoint.analysis.multilingual.text import term_keys
from flashpoint.analysis.names import fold
from flashpoint.errors import LexiconError

# A city this big is strong by itself; smaller ones need support from the story.
STRONG_CITY_POPULATION = 150_000
# Villages read (weakly) for the countries whose language this is.
SCRIPT_FILES = {"ru": "names_cyrl.tsv.gz", "uk": "names_cyrl.tsv.gz", "ar": "names_arab.tsv.gz"}
VILLAGES_FILE = "villages_latn.tsv.gz"
# The longest name in words: bounds the matcher's look-ahead.
MAX_NAME_WORDS = 8
ENTRY_KINDS = ("country", "capital", "subdivision", "city", "place", "demonym", "ignore")


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One way a language writes a name: its word keys and the places it can be.

    ``cased``: the first word must be written with a capital ("Meta" the department, not "meta"
    the goal). ``weak``: tags only with support. ``not_after``: keys of words that, right before
    the name, make it something else ("en ruso" is the language).
    """

    keys: tuple[str, ...]
    places: tuple[Place, ...]
    source: str
    cased: bool = True
    weak: bool = False
    not_after: frozenset[str] = frozenset()


@dataclass
class NameIndex:
    """Entries by the key of their first word, longest first."""

    language: str
    by_first: dict[str, list[NameEntry]] = field(default_factory=lambda: defaultdict(list))
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    _slots: dict[tuple[tuple[str, ...], bool], int] = field(default_factory=dict)
    # the matcher's views, built by finish(): one-word names by their word, longer names by their
    # first two words ("San", "La", "El" start thousands of names; pairs keep the probe short)
    singles: dict[str, tuple[NameEntry, ...]] = field(default_factory=dict)
    by_pair: dict[tuple[str, str], tuple[NameEntry, ...]] = field(default_factory=dict)
    _compacted: bool = False

    def add(self, entry: NameEntry, *, override: bool = False) -> None:
        """Add a name; the same words already known merge their places, unless ``override`` (a
        hand entry: it says what the name means in this language, "Bogotá" is CO-DC)."""
        if not entry.keys or len(entry.keys) > MAX_NAME_WORDS:
            return
        if len(entry.keys) == 1 and (entry.keys[0] in self.stopwords or len(entry.keys[0]) < 2):
            return  # "Sur", "Este", "Para": function words in this language
        if self._compacted:
            raise RuntimeError("NameIndex.add after compact()")
        if not self._slots and self.by_first:
            self._reslot()  # finish() dropped the slots: names are being added after it
        bucket = self.by_first[entry.keys[0]]
        slot = (entry.keys, entry.cased)
        i = self._slots.get(slot)
        if i is None:
            self._slots[slot] = len(bucket)
            bucket.append(entry)
            return
        old = bucket[i]
        if override and not old.source.startswith(("es-", "fr-", "ru-", "uk-", "ar-")):
            bucket[i] = entry
            return
        merged = tuple(dict.fromkeys((*old.places, *entry.places)))
        bucket[i] = NameEntry(old.keys, merged, old.source, old.cased, old.weak and entry.weak,
                              old.not_after | entry.not_after)

    def _reslot(self) -> None:
        self._slots = {(e.keys, e.cased): i for bucket in self.by_first.values() for i, e in enumerate(bucket)}

    def finish(self) -> None:
        """Build the matcher's views. The merge slots are dropped (about 10 MB a language in a
        worker that reads five); a later ``add`` rebuilds them."""
        for bucket in self.by_first.values():
            bucket.sort(key=lambda e: -len(e.keys))
        self._slots = {}
        singles: dict[str, list[NameEntry]] = defaultdict(list)
        pairs: dict[tuple[str, str], list[NameEntry]] = defaultdict(list)
        for first, bucket in self.by_first.items():
            for e in bucket:
                if len(e.keys) == 1:
                    singles[first].append(e)
                else:
                    pairs[(first, e.keys[1])].append(e)
        self.singles = {k: tuple(v) for k, v in singles.items()}
        self.by_pair = {k: tuple(v) for k, v in pairs.items()}

    def compact(self) -> None:
        """Keep only the matcher's views once the index is complete (a worker holds five of
        these); names can no longer be added."""
        self.by_first = {}
        self._slots = {}
        self._compacted = True


def _catalog(domain: str, language: str) -> gettext.NullTranslations:
    from pycountry import LOCALES_DIR

    try:
        return gettext.translation(domain, LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def _split_translation(name: str) -> tuple[list[str], str | None]:
    """'Congo, República Democrática del' -> (['Congo, ...', 'República Democrática del Congo'],
    'Congo'): the inverted form read back, and the head word for the "unique head" rule."""
    for comma in (", ", "، "):
        if comma in name:
            head, rest = name.split(comma, 1)
            return [f"{rest} {head}".strip(), rest.strip()], head.strip()
    return [name], None


def _is_latin(language: str) -> bool:
    return language in ("es", "fr")


class PlaceNames:
    """Builds the :class:`NameIndex` of one language from the sources above."""

    def __init__(self, language: str, gazetteer: Gazetteer, lexicon_dir: Path | None = None) -> None:
        self.language = language
        self.gz = gazetteer
        self.lexicon_dir = lexicon_dir or (LEXICON_DIR / language)
        self._by_source: dict[str, Place] = {}
        for p in gazetteer.places:
            if p.source.startswith(("pycountry:", "geonames:")):
                self._by_source.setdefault(p.source, p)
        self._next_key = 20_000_000

    def place(self, source: str) -> Place | None:
        return self._by_source.get(source)

    def new_place(self, *, name: str, kind: str, country: str, subdivision: str | None, source: str,
                  population: int = 0) -> Place:
        self._next_key += 1
        base = self._by_source.get(f"pycountry:{subdivision}" if subdivision else f"pycountry:{country}")
        return Place(key=self._next_key, name=name, kind=kind, country=country, subdivision=subdivision,
                     population=population, lat=base.lat if base else None, lon=base.lon if base else None,
                     source=source)

    def build(self, stopwords: frozenset[str]) -> NameIndex:
        index = NameIndex(self.language, stopwords=stopwords)
        lang = self.language
        for entry in self._countries():
            index.add(entry)
        for entry in self._subdivisions():
            index.add(entry)
        homes = self._home_countries()
        if _is_latin(lang):
            for entry in self._latin_cities(homes):
                index.add(entry)
        else:
            for entry in self._script_cities(homes):
                index.add(entry)
        if homes and _is_latin(lang):
            for entry in self._villages(homes):
                index.add(entry)
        for entry in self._hand_entries(index):
            index.add(entry, override=True)
        index.finish()
        return index

    # --- generated sources -----------------------------------------------------------------

    def _countries(self) -> Iterator[NameEntry]:
        import pycountry

        lang = self.language
        catalog = _catalog("iso3166-1", lang)
        heads: dict[str, set[str]] = defaultdict(set)
        names: dict[str, set[str]] = defaultdict(set)
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                raw = getattr(c, attr, None)
                if not raw:
                    continue
                translated = catalog.gettext(raw)
                if translated == raw and attr != "name" and not _is_latin(lang):
                    continue  # untranslated English
                forms, head = _split_translation(translated)
                names[c.alpha_2].update(forms)
                if head:
                    heads[head].add(c.alpha_2)
        for head, codes in heads.items():
            if len(codes) == 1:
                names[next(iter(codes))].add(head)
        for cc, known in names.items():
            place = self.place(f"pycountry:{cc}")
            if place is None:
                continue
            for form in known:
                if not _is_latin(self.language) and form.isascii():
                    continue
                yield NameEntry(term_keys(lang, form), (place,), f"pycountry-{lang}:{cc}")

    def _subdivisions(self) -> Iterator[NameEntry]:
        import pycountry

        from flashpoint.analysis.names import subdivision_names

        lang = self.language
        catalog = _catalog("iso3166-2", lang)
        for sub in pycountry.subdivisions:
            place = self.place(f"pycountry:{sub.code}")
            if place is None:
                continue
            translated = catalog.gettext(sub.name)
            forms = set(subdivision_names(translated)) if translated != sub.name else set()
            if _is_latin(lang):
                forms |= set(subdivision_names(sub.name))
            for form in forms:
                if not _is_latin(lang) and form.isascii():
                    continue
                # second-level units (Spanish provinces, French departments) are weak: many share
                # a name with a town or a word
                yield NameEntry(term_keys(lang, form), (place,), f"pycountry-{lang}:{sub.code}",
                                weak=bool(sub.parent_code))

    def _latin_cities(self, homes: frozenset[str]) -> Iterator[NameEntry]:
        """The English gazetteer's city and capital names (GeoNames local and Latin alternates).
        A town of the language's own countries with one reading and a name that is nobody's
        given name or surname is strong: "Jamundí" says Colombia, "Suárez" (a surname) does not."""
        lang = self.language
        people = self.gz.given_names | self.gz.surnames
        for name, places in self.gz.by_name.items():
            towns = tuple(p for p in places if p.kind in ("city", "capital"))
            if not towns:
                continue
            strong = any(p.kind == "capital" or p.population >= STRONG_CITY_POPULATION for p in towns)
            source = "geonames"
            if not strong and len(towns) == len(places) and {p.country for p in towns} <= homes:
                strong = len({p.country for p in towns}) == 1 and fold(name) not in people
                source = "geonames-home"
            yield NameEntry(term_keys(lang, name), towns, source, weak=not strong)

    def _script_cities(self, homes: frozenset[str]) -> Iterator[NameEntry]:
        """Cyrillic or Arabic GeoNames names. A script without case cannot tell a name from a word
        ("كان" is Cannes and "was"), so for Arabic only the home countries' towns and the world's
        capitals are read; in Cyrillic a town with one reading in the home countries is strong."""
        lang = self.language
        path = DATA_DIR / SCRIPT_FILES[lang]
        if not path.exists():
            raise LexiconError(f"{path}: missing; run python -m flashpoint.tools.multilingual_build")
        by_name: dict[str, list[Place]] = defaultdict(list)
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            next(fh)
            for line in fh:
                name, gid, _cc, _sub, _pop, _capital = line.rstrip("\n").split("\t")
                place = self.place(f"geonames:{gid}")
                if place is not None and (lang != "ar" or place.country in homes or place.kind == "capital"):
                    by_name[name].append(place)
        caseless = lang == "ar"
        for name, places in by_name.items():
            if caseless:
                # a word and a town look alike ("السلطات" is "the authorities" and a Moroccan town):
                # only capitals are strong, the governorates and big cities are hand entries
                strong = any(p.kind == "capital" for p in places)
                yield NameEntry(term_keys(lang, name), tuple(places), "geonames", weak=not strong)
                continue
            strong = any(p.kind == "capital" or p.population >= STRONG_CITY_POPULATION for p in places)
            source = "geonames"
            if not strong and homes and {p.country for p in places} <= homes and len({p.country for p in places}) == 1:
                strong, source = True, "geonames-home"  # "Херсон": one town, in the language's own countries
            yield NameEntry(term_keys(lang, name), tuple(places), source, weak=not strong)

    def _home_countries(self) -> frozenset[str]:
        path = self.lexicon_dir / "regions.yaml"
        if not path.exists():
            return frozenset()
        for rec in read_records(path):
            if rec.id == "home-countries":
                return frozenset(str(c) for c in rec.data.get("countries", []))
        return frozenset()

    def _villages(self, homes: frozenset[str]) -> Iterator[NameEntry]:
        """GeoNames villages of the language's home countries (``villages_latn.tsv.gz``), weak."""
        path = DATA_DIR / VILLAGES_FILE
        if not path.exists():
            return
        lang = self.language
        by_name: dict[str, list[Place]] = defaultdict(list)
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            next(fh)
            for line in fh:
                name, gid, cc, sub, pop, lat, lon = line.rstrip("\n").split("\t")
                if cc not in homes:
                    continue
                self._next_key += 1
                by_name[name].append(Place(key=self._next_key, name=name, kind="city", country=cc,
                                           subdivision=sub, population=int(pop), lat=float(lat),
                                           lon=float(lon), source=f"geonames:{gid}"))
        for name, places in by_name.items():
            yield NameEntry(term_keys(lang, name), tuple(places), "geonames-village", weak=True)

    # --- hand entries ------------------------------------------------------------------------

    def _hand_entries(self, index: NameIndex) -> Iterator[NameEntry]:
        path = self.lexicon_dir / "regions.yaml"
        if not path.exists():
            return
        records = validate_records(read_records(path), required={})
        for rec in records:
            if rec.id == "home-countries":
                continue
            if rec.id.startswith("cue-"):
                index.cues[str(rec.data.get("cue", ""))] = frozenset(
                    k for w in _words(rec, "words") for k in term_keys(self.language, w)
                )
                continue
            yield from self._entry(rec)

    def _entry(self, rec: LexiconRecord) -> Iterable[NameEntry]:
        lang = self.language
        kind = str(rec.data.get("kind", "place"))
        if kind not in ENTRY_KINDS:
            raise rec.fail(f"entry {rec.id!r}: unknown kind {kind!r}")
        cc = rec.data.get("country", "")
        if kind != "ignore" and (not isinstance(cc, str) or len(cc) != 2):
            raise rec.fail(f"entry {rec.id!r}: 'country' must be an ISO 3166-1 alpha-2 code")
        sub = rec.data.get("subdivision")
        names = _words(rec, "names")
        if kind == "ignore":  # an organisation or a phrase that holds a place name: "Real Madrid"
            for name in names:
                yield NameEntry(term_keys(lang, name), (), rec.id, cased=True)
            return
        if kind == "demonym":
            names = [form for n in names for form in demonym_forms(lang, n)]
        place = self.new_place(name=names[0], kind="demonym" if kind == "demonym" else kind, country=cc,
                               subdivision=str(sub) if sub else None, source=rec.id)
        if kind in ("capital", "city", "subdivision", "country") and not sub:
            generated = self.place(f"pycountry:{cc}") if kind == "country" else None
            place = generated or place
        elif kind == "subdivision" and sub:
            place = self.place(f"pycountry:{sub}") or place
        cased = bool(rec.data.get("cased", kind != "demonym" and kind != "evidence"))
        not_after = frozenset(k for w in _words(rec, "not_after", required=False) for k in term_keys(lang, w))
        for name in names:
            yield NameEntry(term_keys(lang, name), (place,), rec.id, cased=cased,
                            weak=bool(rec.data.get("weak", False)), not_after=not_after)


def _words(rec: LexiconRecord, key: str, *, required: bool = True) -> list[str]:
    value = rec.data.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise rec.fail(f"entry {rec.id!r}: {key!r} must be a non-empty list of strings")
    return [str(v) for v in value]


def demonym_forms(language: str, word: str) -> list[str]:
    """The forms a demonym takes: gender and number in es and fr, the nisba's endings in ar; ru
    and uk match through the dictionary's normal form, so the lemma is enough."""
    w = word
    if language == "es":
        if w.endswith("o"):
            return [w, w[:-1] + "a", w + "s", w[:-1] + "as"]
        if w.endswith(("és", "án", "ín")):
            stem = w[:-2] + {"és": "es", "án": "an", "ín": "in"}[w[-2:]]
            return [w, stem + "a", stem + "es", stem + "as"]
        if w.endswith(("í", "ú")):
            return [w, w + "es", w + "s"]
        if w.endswith("e") or w.endswith("a"):
            return [w, w + "s"]
        return [w, w + "es", w + "a", w + "as"]
    if language == "fr":
        if w.endswith("en"):
            return [w, w + "ne", w + "s", w + "nes"]
        if w.endswith(("ais", "ois")):
            return [w, w + "e", w + "es"]
        if w.endswith("e"):
            return [w, w + "s"]
        return [w, w + "e", w + "s", w + "es"]
    if language == "ar":
        return [w, w + "ة", w + "ون", w + "ين", w + "ات"]
    return [w]
