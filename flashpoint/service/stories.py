"""Story identity: the MinHash signature of an article's text, and the ids a story is known by.

One story gets one alert. Reprints and reworded wire copies join the story through MinHash
locality-sensitive hashing of word shingles. The signature is computed once, by the analysis
stage, and travels on ``articles.analyzed`` in place of the cleaned text (which can be 200k
characters): the publishing stage needs only the signature to find the story in Redis.

The MinHash is datasketch's ``affine32`` scheme (seed 7, 128 permutations), computed here with
the permutations drawn once instead of once per article; ``tests/service/test_stories.py``
checks it against ``datasketch.MinHash`` value for value, so signatures stored in Redis by an
older worker still compare.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from flashpoint.analysis.models import Analysis

NUM_PERM = 128
MINHASH_SEED = 7
# 64 bands of 2 rows: a pair with Jaccard 0.2 becomes an LSH candidate with probability 0.93,
# so shortened wire copies (low Jaccard, high containment) are still found; candidates are then
# confirmed below, which drops the unrelated ones.
LSH_BANDS = 64
LSH_ROWS = NUM_PERM // LSH_BANDS
# Confirmation on 3-word shingles: reworded paragraphs of one wire story share well above this
# Jaccard; a shortened copy is mostly contained in the full one. Distinct stories about the same
# event (each outlet writing its own copy) rarely reach either.
SAME_STORY_JACCARD = 0.3
SAME_STORY_CONTAINMENT = 0.6
MIN_SHINGLES_FOR_CONTAINMENT = 30
# A signature over more shingles than this describes the same story as one over its first ones:
# the cap bounds the work a hostile, huge article costs (one SHA-1 per shingle).
MAX_SHINGLES = 20_000
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_MAX32 = np.uint32(0xFFFFFFFF)


def text_shingles(text: str, size: int = 3) -> set[bytes]:
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    last = min(len(words) - size + 1, MAX_SHINGLES)
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(last)}


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own permutation parameters for our seed (drawn once per process)."""
    a, b = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32").permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """The MurmurHash3 finalizer datasketch applies before its affine permutations."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = hv ^ (hv >> np.uint32(16))
    return mixed


def minhash_values(shingles: set[bytes]) -> tuple[int, ...]:
    if not shingles:
        return (int(_MAX32),) * NUM_PERM
    digests = b"".join(hashlib.sha1(s).digest()[:4] for s in shingles)  # noqa: S324 - datasketch's hash
    hv = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32)).reshape(-1, 1)
    a, b = _permutations()
    with np.errstate(over="ignore"):  # uint32 wrap-around is the modulo 2^32 of the scheme
        values = (hv * a + b).min(axis=0)
    return tuple(int(v) for v in values)


@dataclass(frozen=True)
class StorySignature:
    """MinHash values of an article's shingles and the LSH band keys derived from them."""

    hashvalues: tuple[int, ...]
    size: int = 0  # number of distinct shingles, for the containment estimate

    @classmethod
    def of(cls, text: str) -> StorySignature:
        shingles = text_shingles(text)
        return cls(minhash_values(shingles), len(shingles))

    def bands(self) -> list[str]:
        raw = np.asarray(self.hashvalues, dtype="<u8").tobytes()  # 8 bytes per value, as before
        width = 8 * LSH_ROWS
        return [
            f"{b}:{hashlib.blake2b(raw[b * width:(b + 1) * width], digest_size=8).hexdigest()}"
            for b in range(LSH_BANDS)
        ]

    def jaccard(self, other: StorySignature) -> float:
        same = sum(1 for x, y in zip(self.hashvalues, other.hashvalues, strict=True) if x == y)
        return same / NUM_PERM

    def containment(self, other: StorySignature) -> float:
        """Estimated share of the smaller text's shingles found in the larger one."""
        j = self.jaccard(other)
        small = min(self.size, other.size)
        if small == 0:
            return 0.0
        return min(1.0, j * (self.size + other.size) / ((1 + j) * small))

    def same_story(self, other: StorySignature) -> bool:
        if self.jaccard(other) >= SAME_STORY_JACCARD:
            return True
        return (
            min(self.size, other.size) >= MIN_SHINGLES_FOR_CONTAINMENT
            and self.containment(other) >= SAME_STORY_CONTAINMENT
        )

    def encode(self) -> str:
        return f"{self.size};" + ",".join(str(v) for v in self.hashvalues)

    @classmethod
    def decode(cls, value: str) -> StorySignature:
        size, _, values = value.rpartition(";")
        hashvalues = tuple(int(v) for v in values.split(",") if v)
        if len(hashvalues) != NUM_PERM:
            raise ValueError(f"a story signature has {NUM_PERM} values, got {len(hashvalues)}")
        return cls(hashvalues, int(size or 0))


def story_signature(analysis: Analysis) -> StorySignature:
    """The signature of an analysed article: its cleaned text, else its title, else its id."""
    return StorySignature.of(analysis.cleaned_text or analysis.title or analysis.id)


def story_id_for(article_id: str, content_hash: str = "") -> str:
    """A new story's id derives from its first article (id and content), so a replay recomputes
    the same id and another article under the same id starts another story."""
    key = f"{article_id}\0{content_hash}" if content_hash else article_id
    return "s-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]  # noqa: S324 - an id, not security
