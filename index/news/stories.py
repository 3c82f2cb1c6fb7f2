"""Stories: articles that tell the same event, from one outlet or several, grouped. Pure logic, no I/O.

Two articles tell the same event when they were published within `max_days` of each other and their
evidence is strong enough: the cosine of their lead vectors (title and first chunk, as the store holds
them), plus a bonus for the names (capitalised words of title and lead) they share, plus a bonus for
the words of their titles they share. Stories grow from the strongest pairs down; two stories join only
when the mean score of all their pairs reaches `link` (so one article on two events does not chain them
into one) and their first and last day stay within `max_span` days (so a chain of daily articles does
not become a month-long "story"). The parameters were chosen on labelled pairs of RealTime QA q1 articles and
checked on pairs labelled afterwards (`python -m bench.stories --holdout`, docs/benchmarks/issue-23-stories.md).

A `PairJudge` (the packaged cross-encoder, wired in index/app.py) may read the pairs whose score is within
`judge_band` of the threshold: each article's first sentence against the other's, both ways; the mean logit
moves the pair's score by at most `judge_weight` (issue 29: chosen on weeks 0103-0228, scored once on weeks
0307-0328, `python -m bench.stories --choose-judge`, `--report-judge`, docs/benchmarks/issue-29-stories.md).
Without a judge, the scores are as before.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from index.language import language_of
from index.text import STOPWORDS, sentence_spans, terms

_NAME = re.compile(r"\b[A-Z][A-Za-z'’.-]*[A-Za-z]\b")
UNKNOWN_DAY = -1
_BYLINE = re.compile(r"^[^\n.!?]{0,80}$")  # a short line without a sentence end: a byline, a dateline, a label
PairJudge = Callable[[Sequence[tuple[str, str]]], Sequence[float]]
"""(query, passage) texts -> one logit each: how much the passage is about what the query tells."""
_NOT_NAMES = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december""".split())


@dataclass(frozen=True)
class StoryParams:
    """How sure the evidence must be that two articles tell the same event."""

    # Chosen on all 266 pairs of bench/data/story_pairs.jsonl by the bar's criterion, the highest
    # min(precision, recall); 0.852 / 0.852 on 230 pairs labelled afterwards (story_pairs_holdout.jsonl)
    threshold: float = 0.85  # cosine + bonuses a pair must reach
    names: float = 0.4  # weight of the share of names both articles use
    title: float = 0.2  # weight of the share of title terms both titles use
    max_days: int = 5  # published at most this many days apart (an undated article pairs with any day)
    max_span: int = 7  # a story's first and last day at most this many days apart
    link: float = 0.65  # two stories join only when the mean score of all their pairs reaches this (so one
    # article near two events does not chain them into one)
    overlap: str = "smaller"  # shares over the "smaller" set, or over the geometric "mean" of both sizes (a
    # roundup's many names then count for less; not better on the first labels)
    # With a judge (issue 29, chosen on weeks 0103-0228 by min(P, R): 0.840 / 0.880 -> 0.877 / 0.885 there;
    # weeks 0307-0328, never chosen on: 0.778 / 0.622 -> 0.800 / 0.800)
    judge_band: float = 0.1  # pairs whose score is within this of the threshold are read by the judge
    judge_weight: float = 0.2  # their score moves by at most this much, up or down
    judge_centre: float = -2.0  # the judge's mean logit that moves nothing


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True)
class StorySignal:
    """What grouping looks at in one article: its lead vector (unit length), names, title terms, day."""

    article_id: str
    vector: np.ndarray
    names: frozenset[str]
    title_terms: frozenset[str]
    day: int = UNKNOWN_DAY  # days since 1970, or -1 when undated
    sentence: str = ""  # the lead's first sentence: what a judge reads
    language: str | None = None  # the sentence's (index/language.py); None: not told


def names_in(text: str) -> frozenset[str]:
    """The capitalised words of `text` that are not stopwords (casefolded): a cheap stand-in for entities."""
    found = (m.group().casefold().strip("'’.") for m in _NAME.finditer(text))
    return frozenset(n for n in found if len(n) > 2 and n not in STOPWORDS and n not in _NOT_NAMES)


def signal(article_id: str, vector: np.ndarray, title: str, lead: str, day: int = UNKNOWN_DAY) -> StorySignal:
    """The signal of one article from its lead vector, title, lead text and published day."""
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    sentence = first_sentence(lead) or title
    return StorySignal(article_id, vector / norm if norm else vector, names_in(f"{title}\n{lead}"),
                       frozenset(terms(title)), day, sentence, language_of(sentence))


def first_sentence(text: str) -> str:
    """The first sentence of a lead of at least six words that is not a short line without a sentence end
    (a byline, a dateline); else the start of the text."""
    for start, end in sentence_spans(text):
        piece = text[start:end].strip()
        if len(piece.split()) >= 6 and not _BYLINE.match(piece):
            return piece
    return text.strip()[:300]


def _overlap(a: frozenset[str], b: frozenset[str], overlap: str = "smaller") -> float:
    """Shared items over the smaller set, or over the geometric mean of both sizes with `overlap="mean"`
    (a roundup's many names contain a report's few, but share only a small part of their own); 0 when
    either set is empty."""
    if not (a and b):
        return 0.0
    return len(a & b) / (math.sqrt(len(a) * len(b)) if overlap == "mean" else min(len(a), len(b)))


def pair_score(a: StorySignal, b: StorySignal, params: StoryParams = DEFAULT_PARAMS) -> float:
    """The evidence that two articles tell the same event (ignoring their dates)."""
    return (float(a.vector @ b.vector) + params.names * _overlap(a.names, b.names, params.overlap)
            + params.title * _overlap(a.title_terms, b.title_terms, params.overlap))


def same_event(a: StorySignal, b: StorySignal, params: StoryParams = DEFAULT_PARAMS) -> bool:
    """True when two articles, taken alone, tell the same event."""
    gap = abs(a.day - b.day) if a.day != UNKNOWN_DAY and b.day != UNKNOWN_DAY else 0
    return gap <= params.max_days and pair_score(a, b, params) >= params.threshold


def _overlaps(sets: Sequence[frozenset[str]], overlap: str = "smaller") -> np.ndarray:
    """The `_overlap` of every two sets, as a matrix (items of one set only cannot overlap: left out)."""
    counts = Counter(item for s in sets for item in s)
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
    scores = (vectors @ vectors.T + params.names * _overlaps([s.names for s in signals], params.overlap)
              + params.title * _overlaps([s.title_terms for s in signals], params.overlap))
    days = np.array([s.day for s in signals])
    dated = (days[:, None] >= 0) & (days[None, :] >= 0)
    gaps = np.where(dated, np.abs(days[:, None] - days[None, :]), 0)
    return np.where(gaps <= params.max_days, scores, 0.0)


def group(signals: Sequence[StorySignal], params: StoryParams = DEFAULT_PARAMS,
          judge: PairJudge | None = None) -> list[list[int]]:
    """Indices of `signals` grouped into stories (the borderline pairs read by `judge` when given); each
    group in input order, groups in order of their first member."""
    if not signals:
        return []
    scores = score_matrix(signals, params)
    if judge is not None:
        scores = judged(scores, signals, judge, params)
    return group_scored(scores, [s.day for s in signals], params)


def borderline(scores: np.ndarray, params: StoryParams = DEFAULT_PARAMS) -> list[tuple[int, int]]:
    """(i, j), i < j, of the pairs within `judge_band` of the threshold (a 0 score, too far apart: left out)."""
    near = (scores > 0) & (np.abs(scores - params.threshold) <= params.judge_band)
    rows, columns = np.nonzero(np.triu(near, k=1))
    return list(zip(rows.tolist(), columns.tolist()))


def judged(scores: np.ndarray, signals: Sequence[StorySignal], judge: PairJudge,
           params: StoryParams = DEFAULT_PARAMS) -> np.ndarray:
    """`scores` with each borderline pair moved by `judge_weight * tanh((logit - judge_centre) / 2)`, the
    logit being the mean of the judge's reading of each first sentence against the other's."""
    pairs = [(i, j) for i, j in borderline(scores, params) if _judge_reads(signals[i]) and _judge_reads(signals[j])]
    if not pairs:
        return scores
    texts = [(signals[i].sentence, signals[j].sentence) for i, j in pairs]
    logits = np.asarray(judge(texts + [(b, a) for a, b in texts]), dtype=np.float64).reshape(2, len(pairs))
    moves = params.judge_weight * np.tanh((logits.mean(axis=0) - params.judge_centre) / 2)
    out = np.array(scores, copy=True)
    for (i, j), move in zip(pairs, moves.tolist()):
        out[i, j] = out[j, i] = scores[i, j] + move
    return out


def _judge_reads(signal: StorySignal) -> bool:
    """The judge (an English cross-encoder) reads English sentences and those whose language is not told; a
    pair with a sentence in another language keeps its score, as a question in another language keeps the
    fused order (index/retrieval/cross_stage.py)."""
    return signal.language in (None, "en")


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
