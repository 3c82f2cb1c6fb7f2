"""The retrieval levers' look-ups (index/retrieval/second_stage.py) on a real, small BM25 index (bm25s)."""
from __future__ import annotations

from collections import Counter

import bm25s
import numpy as np
import pytest

from index.store.lexical import LexicalSnapshot
from index.retrieval.second_stage import (
    CandidatePool,
    RetrievalConfig,
    bm25_scores,
    expansion_terms,
    top_rows,
)
from index.text import terms
from index.types import Passage

CHUNKS = [
    ("a#0", "a", "The volcano Etna erupted on Sunday, sending lava down its slopes toward Catania.", 0),
    ("a#1", "a", "Flights at Catania airport were suspended as ash fell on the runways.", 1),
    ("b#0", "b", "The central bank kept interest rates unchanged, citing steady inflation.", 0),
    ("c#0", "c", "Etna lava flows and ash clouds: airport closures near Catania again.", 0),
    ("c#1", "c", "Tourists filmed the eruption from a safe distance on the mountain.", 1),
]


@pytest.fixture()
def snapshot() -> LexicalSnapshot:
    ids = [c[0] for c in CHUNKS]
    texts = [c[2] for c in CHUNKS]
    metadatas = [{"article_id": c[1], "position": c[3], "title": "", "published_day": 20000 + i}
                 for i, c in enumerate(CHUNKS)]
    tokenized = [terms(t) for t in texts]
    frequency: Counter = Counter()
    for tokens in tokenized:
        frequency.update(set(tokens))
    bm25 = bm25s.BM25()
    bm25.index(tokenized, show_progress=False)
    return LexicalSnapshot("g1", ids, texts, metadatas, frequency, bm25)


def test_top_rows_returns_the_best_positive_scores_in_order() -> None:
    assert top_rows(np.array([0.0, 2.0, 5.0, 1.0]), 3) == [(2, 5.0), (1, 2.0), (3, 1.0)]
    assert top_rows(np.array([0.0, 0.0]), 5) == []
    assert top_rows(None, 5) == []


def test_bm25_scores_without_rm3_are_the_plain_scores(snapshot) -> None:
    question = terms("Did Etna erupt?")
    plain = bm25_scores(snapshot, question, RetrievalConfig())
    assert plain is not None and np.allclose(plain, snapshot.bm25.get_scores(question))
    assert bm25_scores(snapshot, [], RetrievalConfig()) is None


def test_rm3_adds_terms_of_the_top_chunks_and_reaches_chunks_without_the_question_terms(snapshot) -> None:
    question = terms("Etna eruption")
    extra = expansion_terms(snapshot, question, snapshot.search(question, 10), 5)
    assert extra and not set(extra) & set(question)
    assert {"catania", "lava"} & set(extra)
    plain = bm25_scores(snapshot, question, RetrievalConfig())
    expanded = bm25_scores(snapshot, question, RetrievalConfig(rm3_terms=10))
    airport = snapshot.ids.index("a#1")  # about Catania's airport; says neither Etna nor eruption
    assert plain[airport] == 0 and expanded[airport] > 0
    assert expanded[snapshot.ids.index("b#0")] == 0  # the unrelated chunk stays out


def test_candidate_pool_finds_every_chunk_of_the_best_articles(snapshot) -> None:
    pool = CandidatePool(snapshot)
    best = [Passage("c#0", "c", "", "", "s"), Passage("a#0", "a", "", "", "s"), Passage("b#0", "b", "", "", "s")]
    rows = pool.article_rows(best, 2, None)
    assert sorted(snapshot.ids[r] for r in rows) == ["a#0", "a#1", "c#0", "c#1"]
    assert [snapshot.ids[r] for r in pool.article_rows(best, 2, since_day=20003)] == ["c#0", "c#1"]
    assert pool.article_rows(best, 0, None) == []
    assert pool.bm25_of(["a#1", "zzz"], np.arange(5.0)) == [1.0, 0.0]
