"""The second stage of retrieval (index/retrieval/rerank.py): question profiles, features, article evidence, order."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from index.retrieval.rerank import (
    FEATURES,
    Candidate,
    Weights,
    article_boost,
    best_sentence,
    features,
    name_overlap,
    profile,
    rerank,
)
from index.types import Passage


def flat_idf(term: str) -> float:
    return 1.0


def _passage(chunk_id: str, text: str, article: str = "a", title: str = "", position: int = 1) -> Passage:
    return Passage(chunk_id=chunk_id, article_id=article, text=text, title=title, source="s", position=position)


def test_profile_keeps_names_and_numbers_but_not_question_words() -> None:
    found = profile("Which country did the Los Angeles Fire Department help after 12,000 homes burned?")
    assert "los angeles fire department" in found.names and "12,000" in found.names
    assert not any(name.startswith("which") for name in found.names)
    assert ("fire", "depart") in found.pairs


def test_name_overlap_counts_partial_names() -> None:
    assert name_overlap(["president trump"], {"trump", "said"}) == pytest.approx(0.5)
    assert name_overlap(["president trump", "2025"], {"president", "trump", "2025"}) == pytest.approx(1.0)
    assert name_overlap([], {"trump"}) == 0.0


def test_best_sentence_is_one_sentence_not_the_whole_passage() -> None:
    question = profile("Where did the storm make landfall?").terms
    spread = "The storm grew quickly over the ocean waters. Officials said landfall was likely soon."
    together = "Forecasters said the storm would make landfall near Tampa. Schools closed for the day."
    assert best_sentence(question, together, flat_idf) == pytest.approx(1.0)
    assert best_sentence(question, spread, flat_idf) == pytest.approx(1 / 3)


def test_features_have_one_column_per_name_and_are_bounded() -> None:
    question = profile("When will NASA launch the Artemis II mission?")
    candidates = [
        Candidate(_passage("a#1", "NASA said the Artemis II mission will launch in 2026.", title="Artemis II"), 0.03, 0.7, 12.0),
        Candidate(_passage("b#0", "Unrelated text about a football game and its fans.", article="b", position=0), 0.0, 0.1, 0.0),
    ]
    matrix = features(question, candidates, flat_idf)
    assert matrix.shape == (2, len(FEATURES))
    assert np.all(matrix >= 0) and np.all(matrix <= 1)
    row = dict(zip(FEATURES, matrix[0]))
    assert row["fused"] == 1.0 and row["bm25"] == 1.0 and row["entity"] == 1.0 and row["sentence"] == 1.0
    assert dict(zip(FEATURES, matrix[1]))["lead"] == 1.0 and dict(zip(FEATURES, matrix[1]))["entity"] == 0.0


def test_article_boost_adds_the_best_and_half_the_second_best_of_an_article() -> None:
    boost = article_boost(np.array([1.0, 0.4, 0.8, 0.2]), ["x", "x", "y", "x"])
    assert boost.tolist() == pytest.approx([1.2, 1.2, 0.8, 1.2])


def test_rerank_puts_the_passage_with_the_evidence_first() -> None:
    question = "Which team won the Super Bowl LIX on Sunday?"
    vague = Candidate(_passage("v#1", "Fans gathered across the city on Sunday for the big game.", "v"), 0.033, 0.5, 5.0)
    answer = Candidate(_passage("s#2", "The Eagles won Super Bowl LIX, beating the Chiefs 40-22.", "s"), 0.030, 0.5, 9.0)
    weights = Weights()
    assert [p.chunk_id for p in rerank(question, [vague, answer], flat_idf, weights)] == ["s#2", "v#1"]
    fused_only = dataclasses.replace(weights, **{name: 0.0 for name in FEATURES if name != "fused"}, fused=1.0,
                                     article=0.0)
    assert [p.chunk_id for p in rerank(question, [vague, answer], flat_idf, fused_only)] == ["v#1", "s#2"]
    assert rerank(question, [], flat_idf, weights) == []
