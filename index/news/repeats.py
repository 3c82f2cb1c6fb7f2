"""One story, one citation: passages that repeat a better-ranked passage of another article of the same
story (the same wire text syndicated under two URLs, a live blog copying its own report) are dropped
before an answer or a summary is written, so the same story is not cited twice under two URLs. On q1's
questions it changed the passages of 11 and the accuracy of none (`python -m bench.stories --citations`,
docs/benchmarks/issue-23-stories.md)."""
from __future__ import annotations

from typing import Sequence

from index.sources.articles import published_day
from index.text import shingles
from index.types import Passage

REPEAT = 0.5  # share of the shorter passage's word bigrams found in the other: it says the same thing
REPEAT_DAYS = 3  # published at most this many days apart (what `--citations` measured)


def repeats(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when the shorter of two passages' bigram sets is mostly inside the other."""
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= REPEAT


def _same_time(a: Passage, b: Passage, max_days: int) -> bool:
    day_a, day_b = published_day(a.published[:10]), published_day(b.published[:10])
    return day_a < 0 or day_b < 0 or abs(day_a - day_b) <= max_days


def without_repeats(passages: Sequence[Passage], max_days: int = REPEAT_DAYS) -> list[Passage]:
    """`passages` in their order, less each one that repeats a kept passage of another article published
    within `max_days` of it (a story's articles); passages of one article are never dropped here."""
    kept: list[tuple[Passage, frozenset[str]]] = []
    for passage in passages:
        signature = shingles(passage.text)
        if not any(other.article_id != passage.article_id and _same_time(passage, other, max_days)
                   and repeats(signature, seen) for other, seen in kept):
            kept.append((passage, signature))
    return [passage for passage, _ in kept]
