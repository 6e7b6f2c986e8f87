"""Agreement between reviewers on turn ratings: the share of turns rated alike, and Cohen's kappa.

Only turns that two reviewers both rated count. Kappa corrects the raw share for the agreement two
reviewers would reach by chance given how often each uses each rating; with several reviewers the
dataset figure is the mean over every pair that shares at least one turn.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from pydantic import BaseModel

from core.models.review import TurnRating

TurnKey = tuple[str, int]


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long label sequences; ``None`` when it is undefined (no pairs,
    or both reviewers used one and the same label throughout, so chance agreement is 1)."""
    if len(first) != len(second):
        raise ValueError("both reviewers must rate the same turns")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


class PairAgreement(BaseModel):
    first: str
    second: str
    shared_turns: int
    alike: int
    kappa: float | None

    @property
    def share(self) -> float:
        return self.alike / self.shared_turns if self.shared_turns else 0.0


class Agreement(BaseModel):
    """Agreement over a set of ratings: per pair of reviewers, and overall."""

    reviewers: list[str]
    pairs: list[PairAgreement]

    @property
    def shared_turns(self) -> int:
        return sum(p.shared_turns for p in self.pairs)

    @property
    def share_alike(self) -> float | None:
        """Turns rated alike over turns rated by both, summed over pairs (``None`` without overlap)."""
        total = self.shared_turns
        return sum(p.alike for p in self.pairs) / total if total else None

    @property
    def mean_kappa(self) -> float | None:
        values = [p.kappa for p in self.pairs if p.kappa is not None]
        return sum(values) / len(values) if values else None

    def summary(self) -> str:
        """One sentence for the dataset insight."""
        if self.share_alike is None:
            if len(self.reviewers) < 2:
                return "Agreement between reviewers shows once two reviewers have rated the same turns."
            return "No turn has been rated by two reviewers yet."
        line = (
            f"{len(self.reviewers)} reviewers rated {self.shared_turns} turn pairs alike "
            f"{self.share_alike:.0%} of the time"
        )
        kappa = self.mean_kappa
        return line + (f" ({kappa:.2f} beyond what chance alone would give)." if kappa is not None else ".")


def names_note(*, signed_in: bool) -> str:
    """What a reviewer's name stands for, in plain words, for wherever agreement is shown.

    On Supabase the database records every rating under the signed-in user's own name (m0013); on the
    embedded backend a name is whatever was typed in, so the figures are only as good as those labels."""
    if signed_in:
        return (
            "Each reviewer is a signed-in account: every rating is recorded under the name of whoever was signed in,"
            " so nobody can rate under someone else's name."
        )
    return (
        "Reviewer names are labels typed in on this computer, not accounts: anyone can type any name, so one person"
        " can count as two reviewers, or two as one. Read these figures with that in mind."
    )


def agreement(ratings: Iterable[TurnRating]) -> Agreement:
    """Agreement of every pair of reviewers over the turns both rated."""
    by_reviewer: dict[str, dict[TurnKey, str]] = defaultdict(dict)
    for r in ratings:
        by_reviewer[r.rated_by][(r.conversation_id, r.turn_number)] = r.rating
    names = sorted(by_reviewer)
    pairs: list[PairAgreement] = []
    for a, b in combinations(names, 2):
        shared = sorted(set(by_reviewer[a]) & set(by_reviewer[b]))
        if not shared:
            continue
        first = [by_reviewer[a][k] for k in shared]
        second = [by_reviewer[b][k] for k in shared]
        pairs.append(
            PairAgreement(
                first=a,
                second=b,
                shared_turns=len(shared),
                alike=sum(x == y for x, y in zip(first, second, strict=True)),
                kappa=cohen_kappa(first, second),
            )
        )
    return Agreement(reviewers=names, pairs=pairs)
