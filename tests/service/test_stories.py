"""Story signatures: the fast MinHash is datasketch's, value for value (signatures stored in Redis
by older workers must still compare), and the work per article is bounded."""

from __future__ import annotations

import hashlib
import time

import pytest
from datasketch import MinHash

from flashpoint.service.stories import MAX_SHINGLES, MINHASH_SEED, NUM_PERM, StorySignature, text_shingles

TEXTS = [
    "A thousand Afghan soldiers took shelter in Tajikistan overnight after fighting the Taliban.",
    "Two words",
    "Ünïcode wörds — with dashes, İstanbul and Σπάρτη; numbers 20,000 and 3.5 too.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_signature_equals_datasketchs_minhash(text: str) -> None:
    reference = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
    shingles = text_shingles(text)
    if shingles:
        reference.update_batch(list(shingles))
    assert StorySignature.of(text).hashvalues == tuple(int(v) for v in reference.hashvalues)


def test_a_signature_that_is_not_128_values_is_refused() -> None:
    with pytest.raises(ValueError, match="128"):
        StorySignature.decode("3;1,2,3")


def test_a_huge_article_costs_a_bounded_number_of_shingles() -> None:
    text = " ".join(f"word{n}" for n in range(200_000))
    started = time.process_time()
    signature = StorySignature.of(text)
    assert signature.size == MAX_SHINGLES
    assert time.process_time() - started < 2.0  # about 0.1 s here; unbounded it was seconds


def test_lsh_band_keys_are_the_ones_older_workers_wrote() -> None:
    """A band is blake2b-64 of its two values as 8-byte little-endian integers: stories stored
    before a change of this code must still be found."""
    signature = StorySignature.of(TEXTS[0])
    first = b"".join(v.to_bytes(8, "little") for v in signature.hashvalues[:2])
    assert signature.bands()[0] == f"0:{hashlib.blake2b(first, digest_size=8).hexdigest()}"
    assert len(signature.bands()) == 64
