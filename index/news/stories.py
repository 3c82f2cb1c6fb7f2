"""Stories: articles that tell the same event, from one outlet or several, grouped. Pure logic, no I/O.

Two articles tell the same event when they were published within `max_days` of each other and their
evidence is strong enough: the cosine of their lead vectors (title and first chunk, as the store holds
them), plus a bonus for the names (capitalised words of title and lead) they share, plus bonuses for
the words of their titles and the event words (terms of title and first sentence) they share, less a
penalty when one is a roundup or an explainer (by its title) and a small one per day apart. Stories grow from the strongest pairs down; two stories join only
when the mean score of all their pairs reaches `link` (so one article on two events does not chain them
into one) and their first and last day stay within `max_span` days (so a chain of daily articles does
not become a month-long "story"). The parameters were chosen on labelled pairs of RealTime QA q1 articles and
checked on held-out weeks' pairs (`python -m bench.stories --report-weeks`, docs/benchmarks/issue-29-stories.md).
"""
from __future__ import annotations

import math
import re
from collections import Counter
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
    """How sure the evidence must be that two articles tell the same event."""

    # Issue 29: chosen on the 414 labelled pairs of weeks 0103-0228 by the bar's criterion, the highest
    # min(precision, recall) (0.895 / 0.900 there), reported once on weeks 0307-0328 (`bench.stories
    # --choose-weeks`, `--report-weeks`, docs/benchmarks/issue-29-stories.md). Issue 23's setting was 0.85,
    # names 0.4, title 0.2, 5 days, link 0.65, none of issue 29's levers.
    threshold: float = 0.725  # cosine + bonuses - penalties a pair must reach
    names: float = 0.2  # weight of the share of names both articles use
    title: float = 0.0  # weight of the share of title terms both titles use
    max_days: int = 8  # published at most this many days apart (an undated article pairs with any day)
    max_span: int = 7  # a story's first and last day at most this many days apart
    link: float = 0.6  # two stories join only when the mean score of all their pairs reaches this (so one
    # article near two events does not chain them into one)
    overlap: str = "smaller"  # shares over the "smaller" set, or over the geometric "mean" of both sizes (a
    # roundup's many names then count for less; not better on the first labels)
    # Issue 29's levers (0, 1, 0, 0 turn them off):
    lead_terms: float = 0.2  # weight of the share of event words (terms of title and first sentence) shared
    common: float = 1.0  # a name or event word used by at least this share of the window's articles (and by
    # at least COMMON_MIN of them) is no evidence (one actor in the news all week); off: 0.08 lost on tune
    roundup: float = 0.2  # taken off a pair when one of its articles is a roundup or an explainer (ROUNDUP)
    decay: float = 0.02  # taken off per day apart beyond FREE_DAYS (late coverage still pairs, at a cost)


DEFAULT_PARAMS = StoryParams()


COMMON_MIN = 5  # a name fewer articles than this use is never "common", however small the window
FREE_DAYS = 2  # days apart that cost nothing when `decay` is set
# Titles of roundups (several happenings) and explainers (background, not the happening): issue 29's false merges
ROUNDUP = re.compile(
    r"\b(?:things (?:you need )?to know|news from around|recap|roundup|explained|explainer|takeaways|"
    r"everything (?:you need )?to know|live updates?|so far|top stories)\b|"
    r"^\W*(?:(?:what|who) (?:is|are|was|were)|how (?:does|do|did|to|much|many)|why (?:does|do|did|is|are))\b|"
    r"^\W*(?:\d+|three|four|five|six|seven|eight|nine|ten)\s+(?:things|ways|takeaways|questions|facts|reasons|"
    r"tips|stories|moments|highlights|signs|best|biggest|key)\b", re.IGNORECASE)


@dataclass(frozen=True)
class StorySignal:
    """What grouping looks at in one article: its lead vector (unit length), names, title terms, day, its
    event words (terms of the title and of the lead's first sentence) and whether its title reads like a
    roundup or an explainer."""

    article_id: str
    vector: np.ndarray
    names: frozenset[str]
    title_terms: frozenset[str]
    day: int = UNKNOWN_DAY  # days since 1970, or -1 when undated
    event_terms: frozenset[str] = frozenset()
    roundup: bool = False


def names_in(text: str) -> frozenset[str]:
    """The capitalised words of `text` that are not stopwords (casefolded): a cheap stand-in for entities."""
    found = (m.group().casefold().strip("'’.") for m in _NAME.finditer(text))
    return frozenset(n for n in found if len(n) > 2 and n not in STOPWORDS and n not in _NOT_NAMES)


def signal(article_id: str, vector: np.ndarray, title: str, lead: str, day: int = UNKNOWN_DAY) -> StorySignal:
    """The signal of one article from its lead vector, title, lead text and published day."""
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    first = _FIRST_SENTENCE.match(lead.strip())
    return StorySignal(article_id, vector / norm if norm else vector, names_in(f"{title}\n{lead}"),
                       frozenset(terms(title)), day, frozenset(terms(f"{title}\n{first.group() if first else ''}")),
                       bool(ROUNDUP.search(title)))


_FIRST_SENTENCE = re.compile(r".{0,300}?[.!?](?=\s|$)|.{0,300}", re.DOTALL)


def _overlap(a: frozenset[str], b: frozenset[str], overlap: str = "smaller") -> float:
    """Shared items over the smaller set, or over the geometric mean of both sizes with `overlap="mean"`
    (a roundup's many names contain a report's few, but share only a small part of their own); 0 when
    either set is empty."""
    if not (a and b):
        return 0.0
    return len(a & b) / (math.sqrt(len(a) * len(b)) if overlap == "mean" else min(len(a), len(b)))


def pair_score(a: StorySignal, b: StorySignal, params: StoryParams = DEFAULT_PARAMS) -> float:
    """The evidence that two articles tell the same event (ignoring their dates; names and event words
    counted whether or not the window uses them often: that needs the window, `score_matrix`)."""
    return (float(a.vector @ b.vector) + params.names * _overlap(a.names, b.names, params.overlap)
            + params.title * _overlap(a.title_terms, b.title_terms, params.overlap)
            + params.lead_terms * _overlap(a.event_terms, b.event_terms, params.overlap)
            - params.roundup * (a.roundup or b.roundup))


def same_event(a: StorySignal, b: StorySignal, params: StoryParams = DEFAULT_PARAMS) -> bool:
    """True when two articles, taken alone, tell the same event."""
    gap = abs(a.day - b.day) if a.day != UNKNOWN_DAY and b.day != UNKNOWN_DAY else 0
    return gap <= params.max_days and pair_score(a, b, params) - params.decay * max(gap - FREE_DAYS, 0) >= params.threshold


def _overlaps(sets: Sequence[frozenset[str]], overlap: str = "smaller", common: float = 1.0) -> np.ndarray:
    """The `_overlap` of every two sets, as a matrix (items of one set only cannot overlap: left out), items
    used by at least `common` of the sets (and COMMON_MIN of them) left out of the sets first."""
    counts = Counter(item for s in sets for item in s)
    if common < 1.0:
        frequent = {item for item, n in counts.items() if n >= max(COMMON_MIN, common * len(sets))}
        sets = [s - frequent for s in sets] if frequent else sets
    vocabulary = {item: i for i, item in enumerate(item for item, n in counts.items() if n > 1)}
    member = np.zeros((len(sets), max(len(vocabulary), 1)), dtype=np.float32)
    for row, items in enumerate(sets):
        member[row, [vocabulary[i] for i in items if i in vocabulary]] = 1.0
    sizes = np.array([len(s) for s in sets], dtype=np.float32)
    size = np.sqrt(np.outer(sizes, sizes)) if overlap == "mean" else np.minimum.outer(sizes, sizes)
    return np.where(size > 0, (member @ member.T) / np.maximum(size, 1.0), 0.0)


def score_matrix(signals: Sequence[StorySignal], params: StoryParams = DEFAULT_PARAMS) -> np.ndarray:
    """`pair_score` of every two signals, 0 where they were published more than `max_days` apart."""
    vectors = np.stack([s.vector for s in signals])
    scores = (vectors @ vectors.T
              + params.names * _overlaps([s.names for s in signals], params.overlap, params.common)
              + params.title * _overlaps([s.title_terms for s in signals], params.overlap))
    if params.lead_terms:
        scores += params.lead_terms * _overlaps([s.event_terms for s in signals], params.overlap, params.common)
    if params.roundup:
        roundup = np.array([s.roundup for s in signals])
        scores -= params.roundup * (roundup[:, None] | roundup[None, :])
    days = np.array([s.day for s in signals])
    dated = (days[:, None] >= 0) & (days[None, :] >= 0)
    gaps = np.where(dated, np.abs(days[:, None] - days[None, :]), 0)
    scores -= params.decay * np.maximum(gaps - FREE_DAYS, 0)
    return np.where(gaps <= params.max_days, scores, 0.0)


def group(signals: Sequence[StorySignal], params: StoryParams = DEFAULT_PARAMS) -> list[list[int]]:
    """Indices of `signals` grouped into stories; each group in input order, groups in order of their
    first member."""
    if not signals:
        return []
    return group_scored(score_matrix(signals, params), [s.day for s in signals], params)


def group_scored(scores: np.ndarray, days: Sequence[int], params: StoryParams) -> list[list[int]]:
    """Stories from a `score_matrix`: the strongest pairs first, two stories joined only when the mean
    score of all their pairs reaches `link` and their days stay within `max_span`."""
    members = {i: [i] for i in range(len(days))}
    root = list(range(len(days)))
    spans = {i: _joined([days[i]] * 2, [days[i]] * 2) for i in range(len(days))}
    rows, columns = np.nonzero(np.triu(scores >= params.threshold, k=1))
    for i, j in sorted(zip(rows.tolist(), columns.tolist()), key=lambda p: (-scores[p[0], p[1]], p)):
        a, b = root[i], root[j]
        if a == b or not _span_fits(spans[a], spans[b], params.max_span):
            continue
        if float(scores[np.ix_(members[a], members[b])].mean()) < params.link:
            continue
        for k in members[b]:
            root[k] = a
        members[a] += members.pop(b)
        spans[a] = _joined(spans[a], spans.pop(b))
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _span_fits(a: list[int], b: list[int], max_span: int) -> bool:
    joined = _joined(a, b)
    return joined[0] == UNKNOWN_DAY or joined[1] - joined[0] <= max_span


def _joined(a: list[int], b: list[int]) -> list[int]:
    known = [d for d in (*a, *b) if d != UNKNOWN_DAY]
    return [min(known), max(known)] if known else [UNKNOWN_DAY, UNKNOWN_DAY]
