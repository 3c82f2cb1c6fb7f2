"""Retrieval at a time of asking: a question's time expression becomes a date window on both the dense
and the BM25 side; without one, a recency prior ranks newer passages a little higher.

- Articles published after the time of asking do not exist yet when it is given explicitly
  (`ask --as-of`, `eval --as-of-question-date`); "now" sets no ceiling.
- A hard window (this week, in March, on 18 March…) returns the passages inside it, then undated ones:
  an article without a date is never silently dropped, it ranks after the dated ones.
- A soft window (latest, recently) returns the passages inside it, then undated ones, then the most
  relevant older ones, newest first.
- The recency prior adds `weight / (RRF_K + r)` to a passage's fused score, where `r` is the rank of its
  published day among the candidates' days (newest first): with weight 1 it counts like a third ranking
  in the reciprocal rank fusion. Its default strength is measured (BENCHMARKS.md, "Time-aware questions").
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from index.sources.articles import published_day
from index.retrieval.hybrid import RRF_K, HybridRetriever, Query
from index.retrieval.timeexpr import TimeWindow, parse_time, without_phrase
from index.types import Passage

CANDIDATES = 40  # fused candidates the prior re-ranks


@dataclass(frozen=True)
class TimedQuery:
    """A question placed in time: its query (text without the time phrase), window and time of asking."""

    query: Query
    as_of: date
    window: TimeWindow | None
    explicit: bool  # the time of asking was given, so later articles are left out


def day_number(day: date) -> int:
    """Days since 1970-01-01, as stored in chunk metadata (`published_day`)."""
    return published_day(day.isoformat())


def place_in_time(retriever: HybridRetriever, text: str, as_of: date | None = None,
                  since: date | None = None, scopes: tuple[str, ...] | None = None, english: str = "") -> TimedQuery:
    """Find the question's time window (or `since`, as given by a user), and embed it without the phrase (and
    its English wording for the search, when the model gave one)."""
    explicit = as_of is not None
    as_of = as_of or date.today()
    window = parse_time(text, as_of)
    if since is not None:
        start = max(since, window.start) if window and not window.soft else since
        window = TimeWindow(start, window.end if window and not window.soft else as_of, window.phrase if window else "")
    query = retriever.embed_query(without_phrase(text, window), scopes=scopes, english=english)
    return TimedQuery(replace(query, until_day=day_number(as_of) if explicit else None), as_of, window, explicit)


def retrieve_timed(retriever: HybridRetriever, timed: TimedQuery, k: int, prior: float) -> list[Passage]:
    """The k best passages for a question placed in time."""
    query, window = timed.query, timed.window
    if window is None:
        return with_recency_prior(retriever.retrieve(query, max(k, CANDIDATES)), prior)[:k]
    inside = replace(query, since_day=day_number(window.start), until_day=day_number(window.end))
    passages = retriever.retrieve(inside, k)
    if len(passages) < k:
        passages += retriever.retrieve(replace(query, since_day=-1, until_day=-1), k - len(passages))
    if window.soft and len(passages) < k:
        older = replace(query, since_day=0, until_day=day_number(window.start - timedelta(days=1)))
        # "latest": the most relevant older passages, the newest of them first
        passages += sorted(retriever.retrieve(older, k - len(passages)), key=lambda p: -published_day(p.published))
    return passages


def with_recency_prior(passages: list[Passage], weight: float) -> list[Passage]:
    """Passages re-ranked with `weight / (RRF_K + r)` added for the r-th newest published day."""
    if weight <= 0:
        return passages
    days = sorted({published_day(p.published) for p in passages} - {-1}, reverse=True)
    rank = {day: r for r, day in enumerate(days, start=1)}
    rescored = [replace(p, score=p.score + weight / (RRF_K + rank[d])) if (d := published_day(p.published)) in rank
                else p for p in passages]
    return sorted(rescored, key=lambda p: -p.score)
