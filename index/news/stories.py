"""Stories: articles that tell the same event, from one outlet or several, grouped. Pure logic, no I/O.

Two articles tell the same event when they were published within `max_days` of each other and their
evidence is strong enough: the cosine of their lead vectors (title and first chunk, as the store holds
them), plus a bonus for the names (capitalised words of title and lead) they share, plus a bonus for
the words of their titles they share. A story is a connected group of such pairs, joined only while
its first and last day stay within `max_span` days (so a chain of daily articles does not become a
month-long "story"). The parameters were chosen on RealTime QA q1's odd weeks (bench/stories.py,
docs/benchmarks/issue-23-stories.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.text import STOPWORDS, terms

_NAME = re.compile(r"\b[A-Z][A-Za-z'’.-]*[A-Za-z]\b")
UNKNOWN_DAY = -1
_NOT_NAMES = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december""".split())


@dataclass(frozen=True)
class StoryParams:
    """How sure the evidence must be that two articles tell the same event (chosen on the tune weeks)."""

    threshold: float = 0.62  # cosine + bonuses a pair must reach
    names: float = 0.2  # weight of the share of names both articles use
    title: float = 0.2  # weight of the share of title terms both titles use
    max_days: int = 3  # published at most this many days apart (an undated article pairs with any day)
    max_span: int = 7  # a story's first and last day at most this many days apart


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True)
class StorySignal:
    """What grouping looks at in one article: its lead vector (unit length), names, title terms, day."""

    article_id: str
    vector: np.ndarray
    names: frozenset[str]
    title_terms: frozenset[str]
    day: int = UNKNOWN_DAY  # days since 1970, or -1 when undated


def names_in(text: str) -> frozenset[str]:
    """The capitalised words of `text` that are not stopwords (casefolded): a cheap stand-in for entities."""
    found = (m.group().casefold().strip("'’.") for m in _NAME.finditer(text))
    return frozenset(n for n in found if len(n) > 2 and n not in STOPWORDS and n not in _NOT_NAMES)


def signal(article_id: str, vector: np.ndarray, title: str, lead: str, day: int = UNKNOWN_DAY) -> StorySignal:
    """The signal of one article from its lead vector, title, lead text and published day."""
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return StorySignal(article_id, vector / norm if norm else vector, names_in(f"{title}\n{lead}"),
                       frozenset(terms(title)), day)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared items over the smaller set (0 when either is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _close_in_time(a: int, b: int, days: int) -> bool:
    return a == UNKNOWN_DAY or b == UNKNOWN_DAY or abs(a - b) <= days


def pair_score(a: StorySignal, b: StorySignal, params: StoryParams = DEFAULT_PARAMS) -> float:
    """The evidence that two articles tell the same event (ignoring their dates)."""
    return (float(a.vector @ b.vector) + params.names * _overlap(a.names, b.names)
            + params.title * _overlap(a.title_terms, b.title_terms))


def same_event(a: StorySignal, b: StorySignal, params: StoryParams = DEFAULT_PARAMS) -> bool:
    """True when two articles, taken alone, tell the same event."""
    return _close_in_time(a.day, b.day, params.max_days) and pair_score(a, b, params) >= params.threshold


def group(signals: Sequence[StorySignal], params: StoryParams = DEFAULT_PARAMS) -> list[list[int]]:
    """Indices of `signals` grouped into stories, strongest pairs joined first; each group in input order,
    groups in order of their first member."""
    parent = list(range(len(signals)))
    days = [[s.day, s.day] for s in signals]  # each root's first and last known day

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in _candidate_pairs(signals, params):
        ri, rj = root(i), root(j)
        if ri == rj or not _span_fits(days[ri], days[rj], params.max_span):
            continue
        parent[rj] = ri
        days[ri] = _joined(days[ri], days[rj])
    groups: dict[int, list[int]] = {}
    for i in range(len(signals)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _candidate_pairs(signals: Sequence[StorySignal], params: StoryParams) -> list[tuple[float, int, int]]:
    """(score, i, j) of every pair that tells the same event, strongest first."""
    if not signals:
        return []
    vectors = np.stack([s.vector for s in signals])
    cosines = vectors @ vectors.T
    bonus = params.names + params.title
    pairs = []
    for i, j in zip(*np.nonzero(np.triu(cosines + bonus >= params.threshold, k=1))):
        a, b = signals[i], signals[j]
        if _close_in_time(a.day, b.day, params.max_days):
            score = pair_score(a, b, params)
            if score >= params.threshold:
                pairs.append((score, int(i), int(j)))
    return sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))


def _span_fits(a: list[int], b: list[int], max_span: int) -> bool:
    joined = _joined(a, b)
    return joined[0] == UNKNOWN_DAY or joined[1] - joined[0] <= max_span


def _joined(a: list[int], b: list[int]) -> list[int]:
    known = [d for d in (*a, *b) if d != UNKNOWN_DAY]
    return [min(known), max(known)] if known else [UNKNOWN_DAY, UNKNOWN_DAY]
