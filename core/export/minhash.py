"""MinHash signatures of many texts at once, and banded LSH over them: the near-duplicate search's engine.

A text's shingles are its word 3-grams. Words are hashed once per distinct word (CRC-32, the same in every
process), a 3-gram's hash mixes its three word hashes, and the signature is a one-permutation MinHash (one
hash per shingle, split into bins), so the whole collection is a few NumPy operations over all shingles at
once instead of one Python call (or ``num_perm`` hashes) per shingle.
A pair is a candidate when its signatures agree on every row of at least one band; the bands and rows are
chosen for the threshold the way MinHash LSH does (least false positives plus false negatives).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

WORD = re.compile(r"[a-z0-9']+")  # a word, for shingles here and in ``duplicates`` (the same words both ways)
SEED = 1
MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def _mix(values: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64): every output bit depends on every input bit."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def _shingle_hashes(text: str, vocabulary: dict[str, int]) -> np.ndarray:
    """The distinct hashes of the text's word 3-grams (a text of one or two words is one shingle)."""
    words = WORD.findall(text.lower())
    for word in set(words).difference(vocabulary):
        vocabulary[word] = zlib.crc32(word.encode()) | 1 << 32
    ids = np.array(list(map(vocabulary.__getitem__, words)), dtype=np.uint64)
    if len(ids) < 3:
        ids = np.concatenate([ids, np.zeros(3 - len(ids), dtype=np.uint64)])
    with np.errstate(over="ignore"):  # wrapping multiplication is the hash
        grams = (ids[:-2] * MIX[0]) ^ (ids[1:-1] * MIX[1]) ^ ids[2:]
    return np.unique(_mix(grams))


def minhash_signatures(texts: Sequence[str], *, num_perm: int = 128) -> np.ndarray:
    """One row of ``num_perm`` MinHash values per text (uint32), by one-permutation hashing.

    Each shingle's hash picks a bin (its top bits) and a value (its low 32 bits); a bin keeps its smallest
    value. An empty bin borrows the next filled bin's value (circularly), shifted by the distance, so two
    short texts do not look alike just for their empty bins (rotation densification).
    """
    if num_perm & (num_perm - 1):
        raise ValueError("num_perm must be a power of two")
    vocabulary: dict[str, int] = {}
    shingles = [_shingle_hashes(text, vocabulary) for text in texts]
    flat = np.concatenate(shingles) if shingles else np.empty(0, dtype=np.uint64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), [len(s) for s in shingles])
    bins = (flat >> np.uint64(64 - num_perm.bit_length() + 1)).astype(np.int64)
    empty = np.uint32(0xFFFFFFFF)
    signatures = np.full(len(texts) * num_perm, empty, dtype=np.uint32)
    np.minimum.at(signatures, owner * num_perm + bins, (flat & np.uint64(0xFFFFFFFE)).astype(np.uint32))
    return _densify(signatures.reshape(len(texts), num_perm), empty)


def _densify(signatures: np.ndarray, empty: np.uint32) -> np.ndarray:
    width = signatures.shape[1]
    filled = np.tile(signatures != empty, 2)
    positions = np.where(filled, np.arange(2 * width), 2 * width)
    following = np.minimum.accumulate(positions[:, ::-1], axis=1)[:, ::-1][
        :, :width
    ]  # next filled bin, or past the end
    usable = following < 2 * width
    source = np.take_along_axis(signatures, np.where(usable, following % width, 0), axis=1).astype(np.uint64)
    distance = (following - np.arange(width)).astype(np.uint64)
    with np.errstate(over="ignore"):
        borrowed = ((source + distance * np.uint64(0x9E3779B1)) & np.uint64(0xFFFFFFFE)) | np.uint64(1)
    dense = np.where(signatures != empty, signatures, borrowed.astype(np.uint32))
    return np.where(usable, dense, empty)  # a text with no shingle at all keeps its empty signature


@lru_cache(maxsize=8)
def bands_for(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands × rows (``b·r ≤ num_perm``) with the least false-positive plus false-negative probability mass."""
    grid = np.linspace(0.0, 1.0, 201)

    def error(b: int, r: int) -> float:
        hit = 1 - (1 - grid**r) ** b
        return float(np.trapezoid(np.where(grid < threshold, hit, 1 - hit), grid))

    return min(((b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)), key=lambda p: error(*p))


def candidate_pairs(signatures: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, whose signatures agree on a whole band."""
    bands, rows = bands_for(threshold, signatures.shape[1])
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        block = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        for index, key in enumerate(map(bytes, block)):
            buckets[key].append(index)
        for members in buckets.values():
            pairs.update((i, j) for n, i in enumerate(members) for j in members[n + 1 :])
    return pairs
