"""The near-duplicate engine: one-permutation MinHash signatures estimate word-3-gram overlap, and banded LSH
proposes exactly the pairs worth comparing."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np

from core.export.duplicates import near_duplicates, shingles
from core.export.minhash import bands_for, candidate_pairs, minhash_signatures
from tests.support.paths import REPO_ROOT

WORDS = [f"word{i}" for i in range(200)]


def _pair(rng: random.Random, changed: int) -> tuple[str, str]:
    vocabulary = [f"w{i}" for i in range(300)]
    base = [rng.choice(vocabulary) for _ in range(400)]
    other = list(base)
    for _ in range(changed):
        other[rng.randrange(len(other))] = rng.choice(vocabulary)
    return " ".join(base), " ".join(other)


def test_signatures_estimate_the_overlap_of_word_3_grams() -> None:
    rng = random.Random(3)
    errors = []
    for changed in range(0, 400, 8):
        a, b = _pair(rng, changed)
        exact = len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))
        signatures = minhash_signatures([a, b])
        errors.append(float(np.mean(signatures[0] == signatures[1])) - exact)
    assert abs(float(np.mean(errors))) < 0.02  # no bias
    assert max(map(abs, errors)) < 0.15  # 128 bins: a few hundredths typical, never far off


def test_short_and_empty_texts_match_only_themselves() -> None:
    signatures = minhash_signatures(["hello there friend", "good morning all", "", "Hello there, friend!"])
    assert np.array_equal(signatures[0], signatures[3])  # same words, case and punctuation aside
    assert not np.any(signatures[0] == signatures[1])
    assert not np.any(signatures[2] == signatures[0])


def test_signatures_are_the_same_in_every_process() -> None:
    code = "from core.export.minhash import minhash_signatures as m; print(m(['one two three four'])[0][:4].tolist())"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1 and runs != {""}


def test_bands_put_the_threshold_where_candidates_start() -> None:
    bands, rows = bands_for(0.8, 128)
    assert bands * rows <= 128
    assert 1 - (1 - 0.9**rows) ** bands > 0.9  # a pair at 0.9 is nearly always a candidate
    assert 1 - (1 - 0.5**rows) ** bands < 0.05  # a pair at 0.5 almost never is


def test_candidates_are_the_pairs_sharing_a_band() -> None:
    rng = random.Random(5)
    a, b = _pair(rng, 4)
    c, _ = _pair(rng, 0)
    pairs = candidate_pairs(minhash_signatures([a, b, c]), 0.8)
    assert pairs == {(0, 1)}


def test_a_copy_among_many_conversations_is_found_and_nothing_else() -> None:
    rng = random.Random(9)
    texts = {f"c{n}": " ".join(rng.choice(WORDS) for _ in range(60)) for n in range(2000)}
    texts["copy"] = texts["c7"] + " thanks"
    found = near_duplicates(texts)
    assert [(x, y) for x, y, _ in found] == [("c7", "copy")]
