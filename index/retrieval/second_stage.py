"""The levers of retrieval past plain fusion, and the look-ups the second stage needs.

`RetrievalConfig` names every lever (each can be switched off, for the ablation in
bench/retrieval_ablation.py); `expanded_query` is the lexical side's pseudo-relevance feedback (RM3);
`CandidatePool` turns the fused ids into `rerank.Candidate`s: it adds the other chunks of the best
articles, looks up every candidate's vector (from Chroma) and BM25 score (from the lexical snapshot).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from index.retrieval.field_index import field_scores
from index.retrieval.lexical_fields import LexicalFields
from index.store.lexical import LexicalSnapshot, top_rows
from index.retrieval.rerank import Candidate, Weights
from index.text import terms
from index.types import Passage


@dataclass(frozen=True)
class RetrievalConfig:
    """The retrieval levers. `weights=None` switches the second stage off (fused order, as before)."""

    candidates: int = 40  # per side (dense, BM25) and kept after fusion
    rm3_terms: int = 0  # expansion terms added to the BM25 query from its own top documents (0: off)
    rm3_weight: float = 0.5  # how much the expansion terms count against the question's own
    expand_articles: int = 0  # the other chunks of the best this-many articles join the candidates
    weights: Weights | None = field(default=None)
    # Fusion and lexical fields (bench/lexical_levers.py; re-chosen on the tune half, today's won):
    rrf_k: int = 60  # the constant of reciprocal rank fusion (Cormack et al. 2009)
    bm25_weight: float = 1.0  # the BM25 list's weight in the fusion (the dense list's is 1)
    fields: LexicalFields = field(default_factory=LexicalFields)  # title / lead weights, phrase terms
    title_list: float = 0.0  # weight of a third fused list, chunks ranked by their title's BM25 (0: off)


RM3_DOCUMENTS = 10  # feedback documents: the top of the first BM25 ranking


def expansion_terms(snapshot: LexicalSnapshot, query_terms: list[str], ranked: list[tuple[int, float]],
                    count: int) -> list[str]:
    """RM3's feedback terms: the terms of the top BM25 chunks, weighted by the chunk's score and the
    term's share of it and its IDF, leaving out the question's own terms."""
    weights: Counter = Counter()
    top = ranked[:RM3_DOCUMENTS]
    best = top[0][1] if top else 1.0
    asked = set(query_terms)
    for row, score in top:
        words = terms(f"{snapshot.metadatas[row].get('title', '')}\n{snapshot.texts[row]}")
        for term, n in Counter(words).items():
            if term not in asked and not term.isdigit():
                weights[term] += (score / best) * (n / len(words)) * snapshot.idf(term)
    return [term for term, _ in weights.most_common(count)]


def bm25_scores(snapshot: LexicalSnapshot, query_terms: list[str], config: RetrievalConfig,
                scopes: tuple[str, ...] | None = None, question: str = "") -> np.ndarray | None:
    """BM25 scores of every chunk for the question, plus its RM3 expansion when that is on (None for an
    empty index or a question without terms); zero outside `scopes` when given (index/sources/scopes.py).
    With other `config.fields` than today's, `question` (its text) is scored on an index under them
    (index/retrieval/field_index.py; RM3 is then not applied)."""
    if snapshot.bm25 is None or not query_terms:
        return None
    if config.fields != LexicalFields():
        scores = field_scores(snapshot, question, config.fields)
        return None if scores is None else snapshot.in_scopes(scores, scopes)
    scores = snapshot.in_scopes(snapshot.bm25.get_scores(query_terms), scopes)
    if config.rm3_terms > 0:
        first = top_rows(scores, RM3_DOCUMENTS)
        extra = expansion_terms(snapshot, query_terms, first, config.rm3_terms)
        if extra:
            scores = scores + config.rm3_weight * snapshot.in_scopes(snapshot.bm25.get_scores(extra), scopes)
    return scores


class CandidatePool:
    """Row and article look-ups over one lexical snapshot, built once per snapshot generation."""

    def __init__(self, snapshot: LexicalSnapshot) -> None:
        self.generation = snapshot.generation
        self.snapshot = snapshot
        self.row_of = {chunk_id: row for row, chunk_id in enumerate(snapshot.ids)}
        self.rows_of_article: dict[str, list[int]] = {}
        for row, metadata in enumerate(snapshot.metadatas):
            article = str((metadata or {}).get("article_id") or "")
            self.rows_of_article.setdefault(article, []).append(row)

    def article_rows(self, passages: list[Passage], articles: int, since_day: int | None) -> list[int]:
        """Rows of every chunk of the first `articles` distinct articles among `passages` (none for 0)."""
        if articles <= 0:
            return []
        seen: list[str] = []
        for passage in passages:
            if passage.article_id not in seen:
                seen.append(passage.article_id)
            if len(seen) == articles:
                break
        rows = [row for article in seen for row in self.rows_of_article.get(article, [])]
        if since_day is None:
            return rows
        return [r for r in rows if int(self.snapshot.metadatas[r].get("published_day", -1)) >= since_day]

    def bm25_of(self, chunk_ids: list[str], scores: np.ndarray | None) -> list[float]:
        """The BM25 score of each chunk (0 for one the snapshot does not hold, or without scores)."""
        if scores is None:
            return [0.0] * len(chunk_ids)
        return [float(scores[self.row_of[c]]) if c in self.row_of else 0.0 for c in chunk_ids]


def candidates(passages: list[Passage], fused: dict[str, float], dense: list[float],
               bm25: list[float]) -> list[Candidate]:
    """`rerank.Candidate`s from passages and their looked-up scores (same order)."""
    return [Candidate(p, fused.get(p.chunk_id, 0.0), d, b) for p, d, b in zip(passages, dense, bm25)]
