"""Hybrid retrieval: dense (Chroma) and BM25 results fused by reciprocal rank, near-duplicates collapsed.

Across languages (issue 30): BM25 reads a question in another language than English only against passages
in its own language (a German question keeps BM25 on German articles; against English ones its words are
noise). An embedder whose vectors do not carry a question across languages (MiniLM) gets, instead, a ranking
of the other languages' passages by the question's names and numbers alone. Chosen on the tune weeks of
bench/data/multilingual_questions.jsonl: non-English rows found 87 -> 94 of 192 with e5 (dense alone) and
59 -> 68 with MiniLM (names); English questions are read as before (docs/benchmarks/issue-30-multilingual.md).
With a language model the question's English wording (`Query.english`, written by the model) is searched too,
dense and BM25 over every passage, and the cross-encoder reads it: at its bound every language reaches 0.87x
English or more with MiniLM (docs/benchmarks/multilingual_translated.py; not tuned on either half).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np

from index.retrieval.cross_stage import CrossEncoderStage
from index.embedding.embedders import Embedder, embed_queries, is_multilingual
from index.errors import StoreUnavailable
from index.analysis import LANGUAGE_SAMPLE, terms_in
from index.language import language_of
from index.retrieval.question_names import question_names
from index.store.lexical import LexicalIndex, LexicalSnapshot, top_rows
from index.store.chunks import ChunkFilter, Chunks
from index.text import jaccard, shingles, terms, without_title
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
    scopes: tuple[str, ...] | None = None  # source scopes it may be answered from (index/sources/scopes.py); None: all
    language: str | None = None  # the question's (index/language.py); None: it could not be told
    english: str = ""  # a question in another language put into English by the model, for the search; "": none
    english_vector: np.ndarray | None = None  # `english` embedded

    def has_date_bounds(self) -> bool:
        """True when the question is limited to a window of published days."""
        return self.since_day is not None or self.until_day is not None

    def chunk_filter(self) -> ChunkFilter:
        """The store's filter for these bounds and scopes."""
        return ChunkFilter(scopes=self.scopes, since_day=self.since_day, until_day=self.until_day)

    def admits(self, day: int) -> bool:
        """True when a chunk published on `day` is inside the bounds."""
        return (self.since_day is None or day >= self.since_day) and (self.until_day is None or day <= self.until_day)


def foreign(language: str | None) -> bool:
    """True for a told language other than English (the default, and the language of the models' training)."""
    return language is not None and language != "en"


@lru_cache(maxsize=20000)
def passage_language(sample: str) -> str | None:
    """The language of a passage's first characters, remembered (a question in another language than English
    reads the languages of up to a few thousand BM25 candidates; 0.35 ms each to tell)."""
    return language_of(sample)


def passage_from_record(chunk_id: str, text: str, metadata: dict, score: float) -> Passage:
    """A Passage from a Chroma record written by llama-index (offsets live in `_node_content`). A copy of the
    title at the top of the text is left out (`without_title`): every quote, lead and summary of answers,
    follows and digests is made from these passages, so none reads "Title First sentence…"."""
    node = {}
    try:
        node = json.loads(metadata.get("_node_content") or "{}")
    except (TypeError, ValueError):
        pass
    title, text = str(metadata.get("title") or ""), text or ""
    shown = without_title(text, title)
    return Passage(
        chunk_id=chunk_id, article_id=str(metadata.get("article_id") or metadata.get("document_id") or ""),
        text=shown, title=title, source=str(metadata.get("source") or ""),
        outlet=str(metadata.get("outlet") or ""), url=str(metadata.get("url") or ""),
        published=str(metadata.get("published") or ""), position=int(metadata.get("position") or 0),
        start=int(node.get("start_char_idx") or 0) + len(text) - len(shown), end=int(node.get("end_char_idx") or 0),
        score=score,
    )


def fuse(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of several rankings of ids, each weighted 1 (constant `k`): (id, fused
    score), best first."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def bm25_scores(snapshot: LexicalSnapshot, query_terms: list[str],
                scopes: tuple[str, ...] | None = None) -> np.ndarray | None:
    """BM25 scores of every chunk for the question's terms (None for an empty index or a question without
    terms); zero outside `scopes` when given (index/sources/scopes.py)."""
    if snapshot.bm25 is None or not query_terms:
        return None
    return snapshot.in_scopes(snapshot.bm25.get_scores(query_terms), scopes)


def collapse_duplicates(passages: list[Passage], threshold: float = DUPLICATE_JACCARD,
                        limit: int | None = None) -> list[Passage]:
    """Drop passages that repeat an earlier (better-ranked) one nearly word for word; stop after `limit`
    kept (the comparisons are quadratic, and the second stage hands over a hundred candidates or more)."""
    kept: list[tuple[Passage, frozenset[str]]] = []
    for passage in passages:
        if limit is not None and len(kept) == limit:
            break
        signature = shingles(passage.text)
        if all(jaccard(signature, other) < threshold for _, other in kept):
            kept.append((passage, signature))
    return [p for p, _ in kept]


class HybridRetriever:
    """Dense + BM25 candidates, fused, deduplicated, cut to k. The levers measured past plain fusion (a
    second stage, RM3, lexical fields, a title list, other fusion constants) lost on the tune half and left
    the code: BENCHMARKS.md's decisions ledger names the commit that holds each."""

    def __init__(self, chunks: Chunks, embedder: Embedder, lexical: LexicalIndex, candidates: int = 40,
                 stage: CrossEncoderStage | None = None) -> None:
        self._chunks = chunks
        self._embedder = embedder
        self._lexical = lexical
        self.candidates = candidates  # per side (dense, BM25) and kept after fusion
        self.stage = stage  # the cross-encoder (NEWSBOT_RERANK, on by default); None: the fused order

    def embed_query(self, text: str, since_day: int | None = None, scopes: tuple[str, ...] | None = None,
                    english: str = "") -> Query:
        """Embed a question once (and tell its language); the vector is reused by retrieval and by answer selection.
        `english`: the question in English when the model translated it for the search (embedded with it)."""
        vectors = embed_queries(self._embedder, [text, english] if english else [text])
        return Query(text=text, vector=vectors[0], since_day=since_day, scopes=scopes, language=language_of(text),
                     english=english, english_vector=vectors[1] if english else None)

    def retrieve(self, query: Query, k: int) -> list[Passage]:
        """The k best distinct passages for `query`."""
        records: dict[str, tuple[str, dict]] = {}
        fused = fuse(self._rankings(query, records))[: self.candidates]
        passages = [passage_from_record(i, *records[i], score=s) for i, s in fused]
        text, language = (query.english, "en") if query.english else (query.text, query.language)
        if self.stage is None or not self.stage.reads(language):
            return collapse_duplicates(passages, limit=k)
        return self.stage(text, collapse_duplicates(passages, limit=max(k, self.stage.head)))[:k]

    def _rankings(self, query: Query, records: dict) -> list[list[str]]:
        """The rankings of chunk ids to fuse: dense, BM25 in the question's language, and for a question in
        another language than English with an embedder that does not cross languages, BM25 on its names
        against the passages in other languages; with the question's English wording (`Query.english`),
        also dense and BM25 on that, against every passage."""
        snapshot = self._snapshot()
        bm25 = bm25_scores(snapshot, terms_in(query.language, query.text), query.scopes)
        rankings = [self._dense(query, records),
                    self._bm25(query, records, snapshot, bm25, lambda text: self._same_language(query, text))]
        if foreign(query.language) and not is_multilingual(self._embedder):
            names = bm25_scores(snapshot, terms(" ".join(question_names(query.text))), query.scopes)
            rankings.append(self._bm25(query, records, snapshot, names,
                                       lambda text: not self._same_language(query, text)))
        if query.english and query.english_vector is not None:
            rankings += [self._dense(replace(query, vector=query.english_vector), records),
                         self._bm25(query, records, snapshot, bm25_scores(snapshot, terms(query.english), query.scopes))]
        return rankings

    def _snapshot(self) -> LexicalSnapshot:
        try:
            return self._lexical.snapshot()
        except Exception as exc:
            raise StoreUnavailable(f"the vector store did not answer ({type(exc).__name__})") from exc

    def _dense(self, query: Query, records: dict) -> list[str]:
        found = self._chunks.query(query.vector, self.candidates, query.chunk_filter())
        for chunk, _distance in found:
            records[chunk.id] = (chunk.text, dict(chunk.metadata))
        return [chunk.id for chunk, _ in found]

    @staticmethod
    def _same_language(query: Query, text: str) -> bool:
        """True when BM25 may read `text` for the question's own words: always for a question in English or
        in no told language; else when the text is in the question's language or in none told."""
        if not foreign(query.language):
            return True
        found = passage_language(text[:LANGUAGE_SAMPLE])
        return found is None or found == query.language

    def _bm25(self, query: Query, records: dict, snapshot: LexicalSnapshot, scores,
              keep: Callable[[str], bool] = lambda text: True) -> list[str]:
        ids = []
        # inside date bounds most of the best rows may be filtered out: look further down the ranking
        for row, _score in top_rows(scores, self.candidates * (50 if query.has_date_bounds() else 2)):
            metadata = snapshot.metadatas[row] or {}
            if not query.admits(int(metadata.get("published_day", -1))) or not keep(snapshot.texts[row]):
                continue
            chunk_id = snapshot.ids[row]
            records.setdefault(chunk_id, (snapshot.texts[row], metadata))
            ids.append(chunk_id)
            if len(ids) == self.candidates:
                break
        return ids
