"""Near-duplicate conversations (MinHash over word 3-grams) and repeated openings, with the passages that match.

``near_duplicates`` and ``repeated_openings`` work on plain texts keyed by conversation id (fast, for
tens of thousands: the signatures are computed in bulk, see ``core.export.minhash``).
``matching_passages`` then explains one pair: the two turns that overlap most, as written.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from core.export.minhash import WORD, candidate_pairs, minhash_signatures


def shingles(text: str) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def near_duplicates(
    texts: dict[str, str], *, threshold: float = 0.8, num_perm: int = 128
) -> list[tuple[str, str, float]]:
    """Pairs of conversations whose word 3-grams overlap at least ``threshold`` (MinHash estimate)."""
    keys = [key for key, text in texts.items() if text.strip()]
    signatures = minhash_signatures([texts[key] for key in keys], num_perm=num_perm)
    found: set[tuple[str, str, float]] = set()
    for i, j in candidate_pairs(signatures, threshold):
        similarity = round(float(np.mean(signatures[i] == signatures[j])), 2)
        if similarity >= threshold:
            first, second = sorted((keys[i], keys[j]))
            found.add((first, second, similarity))
    return sorted(found, key=lambda f: (-f[2], f[0], f[1]))


def repeated_openings(texts: dict[str, str], *, words: int = 8) -> list[list[str]]:
    """Groups of conversations whose first ``words`` words are the same (a template showing through)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key, text in texts.items():
        opening = " ".join(WORD.findall(text.lower())[:words])
        if opening:
            groups[opening].append(key)
    return sorted((sorted(ids) for ids in groups.values() if len(ids) > 1), key=lambda g: (-len(g), g))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def matching_passages(left: list[str], right: list[str]) -> tuple[int, int, float]:
    """The turn of ``left`` and the turn of ``right`` that overlap most: ``(index, index, overlap 0–1)``."""
    best = (0, 0, 0.0)
    right_sets = [shingles(text) for text in right]
    for i, text in enumerate(left):
        mine = shingles(text)
        for j, theirs in enumerate(right_sets):
            score = _overlap(mine, theirs)
            if score > best[2]:
                best = (i, j, round(score, 2))
    return best
