"""Name forms shared by the gazetteer and its build: accent folding, "St."/"Saint" variants,
pycountry's subdivision name lists, and where the built tables live."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from flashpoint.analysis.lexicon import DATA_DIR

PLACES_FILE = DATA_DIR / "places.tsv.gz"
TOWNS_FILE = DATA_DIR / "towns.tsv.gz"
PERSON_NAMES_FILE = DATA_DIR / "person_names.txt.gz"
GEO_FILE = DATA_DIR / "geo.json"
SUBDIVISION_NAMES_FILE = DATA_DIR / "subdivision_names.tsv"


_ABBREVIATED = (("Saint ", "St. "), ("Sainte ", "Ste. "), ("Mount ", "Mt. "), ("Fort ", "Ft. "))


def name_variants(name: str) -> list[str]:
    """The same town as news writes it: "Saint Paul" is "St. Paul" (and "St Paul"), "Fort Worth"
    "Ft. Worth", and back. GeoNames spells each town one way ("Saint Petersburg" in Russia,
    "St. Petersburg" in Florida), so without this one spelling only ever finds one of them."""
    out = [name]
    for full, short in _ABBREVIATED:
        if name.startswith(full):
            rest = name[len(full) :]
            out += [short + rest, short.replace(".", "") + rest]
        elif name.startswith(short):
            rest = name[len(short) :]
            out += [full + rest, short.replace(".", "") + rest]
        elif name.startswith(short.replace(".", "")):
            rest = name[len(short) - 1 :]
            out += [full + rest, short + rest]
    return out


@lru_cache(maxsize=65_536)
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1]
    return base if base and ord(base) < 128 else ch


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Accent-folded form ("Badakhshān" -> "Badakhshan"), same length for single characters.
    Whole articles are folded before matching, so this looks only at the few distinct non-ASCII
    characters of a text and replaces each with its ASCII base: a loop over every character cost
    2 ms per accented article, and ``str.translate`` (a table lookup per character) 0.1 ms. A
    character folds to one ASCII character or stays, so the replacements cannot interfere."""
    if text.isascii():
        return text
    for ch in set(_NON_ASCII.findall(text)):
        folded = _fold_char(ch)
        if folded != ch:
            text = text.replace(ch, folded)
    return text


def subdivision_names(raw: str) -> list[str]:
    """pycountry names carry local variants: "Wales [Cymru GB-CYM]", "A;B", "Name, City of"."""
    names: list[str] = []
    for part in re.split(r"[;/]", re.sub(r"\[[^\]]*\]|\([^)]*\)", "", raw)):
        part = part.strip()
        if "," in part:
            part = part.split(",", 1)[0].strip()
        if part:
            names.append(part)
            folded = fold(part)
            if folded != part:
                names.append(folded)
    return names
