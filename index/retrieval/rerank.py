"""The second stage of retrieval: rescore the fused candidates on evidence that rank fusion cannot see.

Reciprocal rank fusion only knows the two first-stage ranks. Here every candidate (the fused top ones,
plus the other chunks of the best articles) is scored again on cheap features of its text, its title and
its article, against the question, and the candidates are re-ordered by a weighted sum. The weights were
chosen on the tuning half of the RealTime QA weeks only (BENCHMARKS.md, "Retrieval on weeks nobody tuned
on"). Pure logic: the vectors and BM25 scores are looked up by the caller (index/retrieval/hybrid.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Callable, Sequence

import numpy as np

from index.text import STOPWORDS, sentence_spans, terms, words
from index.types import Passage

IDF = Callable[[str], float]
_NAME = re.compile(r"[A-Z][\w'’&.-]*(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w'’&.-]*)*")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


@dataclass(frozen=True)
class Candidate:
    """A passage with its first-stage evidence: fused RRF score (0 if it only came with its article),
    cosine of its vector to the question's, and its BM25 score."""

    passage: Passage
    fused: float
    dense: float
    bm25: float


@dataclass(frozen=True)
class Weights:
    """How much each feature counts in a candidate's second-stage score (see `features`). The defaults
    are the weights chosen on the tune half (bench/retrieval_ablation.py --tune, BENCHMARKS.md)."""

    fused: float = 0.0
    dense: float = 3.0
    bm25: float = 0.5
    sentence: float = 0.5
    entity: float = 0.3
    phrase: float = 0.2
    title: float = 0.0
    lead: float = 0.0
    article: float = 0.5


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Weights) if f.name != "article")
FIRST_STAGE: tuple[str, ...] = ("fused", "dense", "bm25")  # known before any text is read
TEXT_FEATURES_FOR = 48  # the text features are computed for this many candidates, best first-stage first


@dataclass(frozen=True)
class QuestionProfile:
    """What the features look for: content terms, names and numbers, and adjacent term pairs."""

    terms: tuple[str, ...]
    names: tuple[str, ...]  # case-folded multi-word names and numbers written in the question
    pairs: frozenset[tuple[str, str]]


def profile(question: str) -> QuestionProfile:
    """The question's terms, names (capitalised runs that are not question words) and numbers."""
    question_terms = tuple(terms(question))
    names = [m.group().casefold() for m in _NAME.finditer(question)]
    names = [n for n in names if n.split()[0] not in STOPWORDS or len(n.split()) > 1]
    names = [" ".join(w for w in n.split() if w not in STOPWORDS) if n.split()[0] in STOPWORDS else n for n in names]
    names += [m.group() for m in _NUMBER.finditer(question)]
    pairs = frozenset(zip(question_terms, question_terms[1:]))
    return QuestionProfile(question_terms, tuple(dict.fromkeys(n for n in names if n)), pairs)


def coverage(question_terms: Sequence[str], text_terms: set[str], idf: IDF) -> float:
    """IDF-weighted share of the question's distinct terms found in `text_terms` (0 for no terms)."""
    unique = set(question_terms)
    total = sum(idf(t) for t in unique)
    return sum(idf(t) for t in unique if t in text_terms) / total if total else 0.0


def best_sentence(question_terms: Sequence[str], text: str, idf: IDF) -> float:
    """The coverage of the question by the passage's single best sentence."""
    best = 0.0
    for start, end in sentence_spans(text):
        best = max(best, coverage(question_terms, set(terms(text[start:end])), idf))
    return best


def _share(found: Sequence[float]) -> float:
    return sum(found) / len(found) if found else 0.0


def name_overlap(names: Sequence[str], text_words: set[str]) -> float:
    """Mean over the question's names of the share of each name's words the text has (0 for no names):
    "President Trump" half-matches a passage that only says "Trump"."""
    return _share([_share([w in text_words for w in words(name)]) for name in names])


def features(question: QuestionProfile, candidates: Sequence[Candidate], idf: IDF,
             text_for: Sequence[bool] | None = None) -> np.ndarray:
    """One row per candidate, one column per name in FEATURES, each roughly in [0, 1]. The features that
    read the text are left 0 where `text_for` is False (reading every sentence of every candidate
    costs more than the rest of retrieval)."""
    top_fused = max((c.fused for c in candidates), default=0.0) or 1.0
    top_bm25 = max((c.bm25 for c in candidates), default=0.0) or 1.0
    rows = []
    for index, c in enumerate(candidates):
        if text_for is not None and not text_for[index]:
            rows.append((c.fused / top_fused, c.dense, c.bm25 / top_bm25) + (0.0,) * (len(FEATURES) - 3))
            continue
        text = c.passage.text
        text_words = set(words(f"{c.passage.title}\n{text}"))
        passage_terms = terms(text)
        pairs = set(zip(passage_terms, passage_terms[1:]))
        rows.append((
            c.fused / top_fused,
            c.dense,
            c.bm25 / top_bm25,
            best_sentence(question.terms, text, idf),
            name_overlap(question.names, text_words),
            _share([pair in pairs for pair in question.pairs]),
            coverage(question.terms, set(terms(c.passage.title)), idf),
            float(c.passage.position == 0),
        ))
    return np.array(rows, dtype=float).reshape(len(candidates), len(FEATURES))


def article_boost(base: np.ndarray, articles: Sequence[str]) -> np.ndarray:
    """Each candidate's article evidence: its article's best base score plus half its second best."""
    by_article: dict[str, list[float]] = {}
    for score, article in zip(base, articles):
        by_article.setdefault(article, []).append(float(score))
    strength = {a: sum(s * w for s, w in zip(sorted(v, reverse=True), (1.0, 0.5))) for a, v in by_article.items()}
    return np.array([strength[a] for a in articles])


def scores(matrix: np.ndarray, articles: Sequence[str], weights: Weights) -> np.ndarray:
    """The second-stage score of each candidate: weighted features plus weighted article evidence."""
    vector = np.array([getattr(weights, name) for name in FEATURES])
    base = matrix @ vector
    return base + weights.article * article_boost(base, articles)


def worth_reading(candidates: Sequence[Candidate], weights: Weights, count: int = TEXT_FEATURES_FOR) -> list[bool]:
    """Which candidates get their text features: the `count` best by the first-stage features alone."""
    top_fused = max((c.fused for c in candidates), default=0.0) or 1.0
    top_bm25 = max((c.bm25 for c in candidates), default=0.0) or 1.0
    cheap = [weights.fused * c.fused / top_fused + weights.dense * c.dense + weights.bm25 * c.bm25 / top_bm25
             for c in candidates]
    chosen = set(np.argsort(-np.array(cheap), kind="stable")[:count].tolist())
    return [i in chosen for i in range(len(candidates))]


def rerank(question: str, candidates: Sequence[Candidate], idf: IDF, weights: Weights) -> list[Passage]:
    """The candidates' passages, best first by `scores`."""
    if not candidates:
        return []
    matrix = features(profile(question), candidates, idf, worth_reading(candidates, weights))
    final = scores(matrix, [c.passage.article_id for c in candidates], weights)
    order = np.argsort(-final, kind="stable")
    return [candidates[i].passage for i in order]
