"""Hybrid retrieval: dense (Chroma) and BM25 results fused by reciprocal rank, near-duplicates collapsed."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import numpy as np

from index.embedding import Embedder
from index.errors import StoreUnavailable
from index.lexical import LexicalIndex
from index.scopes import chroma_where
from index.text import jaccard, shingles, terms
from index.types import Passage

log = logging.getLogger(__name__)

RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al. 2009)
DUPLICATE_JACCARD = 0.6  # word-bigram overlap above which two passages say the same thing


@dataclass(frozen=True)
class Query:
    """What retrieval needs of a question: its text, its vector, and optional date bounds (days since
    1970, inclusive; an undated chunk has day -1, so a floor leaves it out and a ceiling keeps it)."""

    text: str
    vector: np.ndarray
    since_day: int | None = None
    until_day: int | None = None
    scopes: tuple[str, ...] | None = None  # source scopes it may be answered from (index/scopes.py); None: all

    def date_bounds(self) -> list[dict]:
        """The Chroma conditions on `published_day` for these bounds."""
        return [{"published_day": {op: day}} for op, day in (("$gte", self.since_day), ("$lte", self.until_day))
                if day is not None]

    def admits(self, day: int) -> bool:
        """True when a chunk published on `day` is inside the bounds."""
        return (self.since_day is None or day >= self.since_day) and (self.until_day is None or day <= self.until_day)


def passage_from_record(chunk_id: str, text: str, metadata: dict, score: float) -> Passage:
    """A Passage from a Chroma record written by llama-index (offsets live in `_node_content`)."""
    node = {}
    try:
        node = json.loads(metadata.get("_node_content") or "{}")
    except (TypeError, ValueError):
        pass
    return Passage(
        chunk_id=chunk_id, article_id=str(metadata.get("article_id") or metadata.get("document_id") or ""),
        text=text or "", title=str(metadata.get("title") or ""), source=str(metadata.get("source") or ""),
        outlet=str(metadata.get("outlet") or ""), url=str(metadata.get("url") or ""),
        published=str(metadata.get("published") or ""), position=int(metadata.get("position") or 0),
        start=int(node.get("start_char_idx") or 0), end=int(node.get("end_char_idx") or 0), score=score,
    )


def fuse(rankings: list[list[str]], weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several rankings of ids: (id, fused score), best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (RRF_K + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def collapse_duplicates(passages: list[Passage], threshold: float = DUPLICATE_JACCARD) -> list[Passage]:
    """Drop passages that repeat an earlier (better-ranked) one nearly word for word."""
    kept: list[tuple[Passage, frozenset[str]]] = []
    for passage in passages:
        signature = shingles(passage.text)
        if all(jaccard(signature, other) < threshold for _, other in kept):
            kept.append((passage, signature))
    return [p for p, _ in kept]


class HybridRetriever:
    """Dense + BM25 candidates, fused, deduplicated, cut to k."""

    def __init__(self, collection, embedder: Embedder, lexical: LexicalIndex, candidates: int = 40) -> None:
        self._collection = collection
        self._embedder = embedder
        self._lexical = lexical
        self.candidates = candidates

    def embed_query(self, text: str, since_day: int | None = None, scopes: tuple[str, ...] | None = None) -> Query:
        """Embed a question once; the vector is reused by retrieval and by answer selection."""
        return Query(text=text, vector=self._embedder.embed([text])[0], since_day=since_day, scopes=scopes)

    def retrieve(self, query: Query, k: int) -> list[Passage]:
        """The k best distinct passages for `query`."""
        records: dict[str, tuple[str, dict]] = {}
        dense_ids = self._dense(query, records)
        lexical_ids = self._bm25(query, records)
        fused = fuse([dense_ids, lexical_ids])
        passages = [passage_from_record(i, *records[i], score=s) for i, s in fused[: self.candidates]]
        return collapse_duplicates(passages)[:k]

    def _dense(self, query: Query, records: dict) -> list[str]:
        conditions = query.date_bounds()
        if query.scopes is not None:
            conditions.append(chroma_where(query.scopes))
        where = conditions[0] if len(conditions) == 1 else ({"$and": conditions} if conditions else None)
        try:
            result = self._collection.query(
                query_embeddings=[query.vector.tolist()], n_results=self.candidates, where=where,
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise StoreUnavailable(f"the vector store did not answer ({type(exc).__name__})") from exc
        ids = result["ids"][0]
        for chunk_id, text, metadata in zip(ids, result["documents"][0], result["metadatas"][0]):
            records[chunk_id] = (text, metadata or {})
        return list(ids)

    def _bm25(self, query: Query, records: dict) -> list[str]:
        try:
            snapshot = self._lexical.snapshot()
        except Exception as exc:
            raise StoreUnavailable(f"the vector store did not answer ({type(exc).__name__})") from exc
        ids = []
        # inside date bounds most of the best rows may be filtered out: look further down the ranking
        depth = self.candidates * (50 if query.date_bounds() else 2)
        for row, _score in snapshot.search(terms(query.text), depth, query.scopes):
            metadata = snapshot.metadatas[row] or {}
            if not query.admits(int(metadata.get("published_day", -1))):
                continue
            chunk_id = snapshot.ids[row]
            records.setdefault(chunk_id, (snapshot.texts[row], metadata))
            ids.append(chunk_id)
            if len(ids) == self.candidates:
                break
        return ids
