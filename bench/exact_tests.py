"""Exact tests for paired counts of questions, without scipy (bench/halves_agreement.py uses them)."""
from __future__ import annotations

from math import comb


def two_sided(probabilities: list[float], observed: int) -> float:
    """The exact two-sided p-value: the total probability of the outcomes no likelier than `observed`."""
    return min(1.0, sum(p for p in probabilities if p <= probabilities[observed] * (1 + 1e-7)))


def mcnemar_exact(gained: int, lost: int) -> float:
    """McNemar's exact test: `gained` of the `gained + lost` discordant questions, against a fair coin."""
    n = gained + lost
    return two_sided([comb(n, k) / 2 ** n for k in range(n + 1)], gained) if n else 1.0


def fisher_exact(table: list[tuple[int, int]]) -> float:
    """Fisher's exact test on a 2 x 2 table [(a, b), (c, d)], two-sided."""
    (a, b), (c, d) = table
    row, column, n = a + b, a + c, a + b + c + d
    low, high = max(0, column - (c + d)), min(row, column)
    probabilities = [comb(row, k) * comb(n - row, column - k) / comb(n, column) if low <= k <= high else 0.0
                     for k in range(high + 1)]
    return two_sided(probabilities, a)
