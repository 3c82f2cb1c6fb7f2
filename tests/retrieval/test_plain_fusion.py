"""Plain fusion's pieces (index/retrieval/hybrid.py) and the question's names
(index/retrieval/question_names.py) on a real, small BM25 index (bm25s): pure, no model."""
from __future__ import annotations

from collections import Counter

import bm25s
import numpy as np
import pytest

from index.retrieval.hybrid import RRF_K, bm25_scores, fuse
from index.retrieval.question_names import name_overlap, question_names
from index.store.lexical import LexicalSnapshot, top_rows
from index.text import terms

TEXTS = [
    "The volcano Etna erupted on Sunday, sending lava down its slopes toward Catania.",
    "Flights at Catania airport were suspended as ash fell on the runways.",
    "The central bank kept interest rates unchanged, citing steady inflation.",
]


@pytest.fixture()
def snapshot() -> LexicalSnapshot:
    tokenized = [terms(t) for t in TEXTS]
    frequency: Counter = Counter()
    for tokens in tokenized:
        frequency.update(set(tokens))
    bm25 = bm25s.BM25()
    bm25.index(tokenized, show_progress=False)
    metadatas = [{"article_id": str(i), "scope": "shared" if i < 2 else "g7", "published_day": 20000 + i}
                 for i in range(len(TEXTS))]
    return LexicalSnapshot("g1", [f"c{i}" for i in range(len(TEXTS))], TEXTS, metadatas, frequency, bm25)


def test_fusion_adds_one_over_k_plus_rank_for_each_list() -> None:
    fused = dict(fuse([["a", "b"], ["b", "c"]]))
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1)) and fused["c"] == pytest.approx(1 / (RRF_K + 2))
    assert [item for item, _ in fuse([["a", "b"], ["b", "c"]])] == ["b", "a", "c"]
    assert [item for item, _ in fuse([["a"], ["b"]], k=1)] == ["a", "b"]  # ties keep first-seen order


def test_bm25_scores_are_the_plain_scores_masked_to_the_scopes(snapshot) -> None:
    question = terms("Etna ash Catania central bank")
    plain = bm25_scores(snapshot, question)
    assert plain is not None and np.allclose(plain, snapshot.bm25.get_scores(question))
    assert plain[2] > 0
    masked = bm25_scores(snapshot, question, ("shared",))
    assert masked[2] == 0.0 and np.allclose(masked[:2], plain[:2])
    assert bm25_scores(snapshot, []) is None


def test_top_rows_returns_the_best_positive_scores_in_order() -> None:
    assert top_rows(np.array([0.0, 2.0, 5.0, 1.0]), 3) == [(2, 5.0), (1, 2.0), (3, 1.0)]
    assert top_rows(np.array([0.0, 0.0]), 5) == []
    assert top_rows(None, 5) == []


def test_question_names_keep_names_and_numbers_but_not_question_words() -> None:
    found = question_names("Which country did the Los Angeles Fire Department help after 12,000 homes burned?")
    assert "los angeles fire department" in found and "12,000" in found
    assert not any(name.startswith("which") for name in found)
    assert question_names("what happened?") == ()


def test_name_overlap_counts_partial_names() -> None:
    assert name_overlap(["president trump"], {"trump", "said"}) == pytest.approx(0.5)
    assert name_overlap(["president trump", "2025"], {"president", "trump", "2025"}) == pytest.approx(1.0)
    assert name_overlap([], {"trump"}) == 0.0
