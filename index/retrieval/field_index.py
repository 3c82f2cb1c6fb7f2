"""BM25 under other lexical fields (index/retrieval/lexical_fields.py), for the levers that need them.

The snapshot's own index counts title and text once each (index/store/lexical_delta.py `chunk_tokens`);
a `RetrievalConfig` with other `fields`, or with a title list, is scored on a second index built from
the snapshot's texts on first use and kept for that snapshot generation (a few seconds at 28.5k chunks;
nothing is written to disk). Both levers lost on the tune half (BENCHMARKS.md, issue 14, "lexical
levers"), so they are off by default and this costs nothing then.
"""
from __future__ import annotations

import threading

import numpy as np

from index.retrieval.lexical_fields import TITLE_ONLY, LexicalFields, field_tokens, question_terms
from index.store.bm25_postings import PostingsBM25
from index.store.lexical import LexicalSnapshot

TIE_BREAK = 1e-3  # the body's share of a title-list score: it only orders chunks of equal title score

_lock = threading.Lock()
_built: dict[LexicalFields, tuple[str, PostingsBM25]] = {}


def index_for(snapshot: LexicalSnapshot, fields: LexicalFields) -> PostingsBM25:
    """The BM25 index of `snapshot`'s chunks counted under `fields` (built once per generation)."""
    with _lock:
        kept = _built.get(fields)
        if kept is not None and kept[0] == snapshot.generation:
            return kept[1]
    index = PostingsBM25.build([field_tokens(t, m, fields) for t, m in zip(snapshot.texts, snapshot.metadatas)])
    with _lock:
        _built[fields] = (snapshot.generation, index)
    return index


def field_scores(snapshot: LexicalSnapshot, question: str, fields: LexicalFields) -> np.ndarray | None:
    """BM25 score of every chunk for `question` with its terms counted under `fields` (None: no terms
    or an empty snapshot)."""
    words = question_terms(question, fields)
    if snapshot.bm25 is None or not words:
        return None
    return index_for(snapshot, fields).get_scores(words)


def title_scores(snapshot: LexicalSnapshot, question: str, body: np.ndarray | None) -> np.ndarray | None:
    """Each chunk's score for the title list: the BM25 of its title alone, ties (the chunks of one
    article share a title) broken by `body`, the chunk's own BM25 scores."""
    titles = field_scores(snapshot, question, TITLE_ONLY)
    if titles is None:
        return None
    if body is None or not body.max() > 0:
        return titles
    tie = TIE_BREAK * body / body.max()
    return np.where(titles > 0, titles + tie, 0.0).astype(np.float32)
