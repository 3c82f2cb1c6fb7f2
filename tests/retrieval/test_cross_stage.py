"""The cross-encoder stage (on by default; NEWSBOT_RERANK=none turns it off): its order, and a real service using it."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.app import build_service, build_stage
from index.retrieval.cross_stage import CrossEncoderStage, fused_order, passage_text
from index.retrieval.timed import with_recency_prior
from index.settings import Settings
from index.types import Passage


def passage(n: int, text: str, title: str = "", score: float = 0.0, published: str = "") -> Passage:
    return Passage(chunk_id=f"a#{n}", article_id="a", text=text, title=title, source="seeds", score=score,
                   published=published)


def test_the_model_alone_orders_by_its_score() -> None:
    assert fused_order(np.array([0.1, 3.0, -2.0, 1.0]), None) == [1, 3, 0, 2]


def test_fusion_weighs_the_model_rank_against_the_fused_rank() -> None:
    scores = np.array([0.0, 5.0, 1.0])  # the model's ranks: 1 -> 1st, 2 -> 2nd, 0 -> 3rd
    # at weight 1 position 1 (fused 2nd, model 1st) beats position 0 (fused 1st, model 3rd)
    assert fused_order(scores, 1.0) == [1, 0, 2]
    # a small weight leaves the fused order nearly as it was
    assert fused_order(scores, 0.01) == [0, 1, 2]


def test_only_the_head_is_reordered_and_nothing_is_lost() -> None:
    passages = [passage(i, t) for i, t in enumerate(["a", "bbb", "cc", "dddd"])]
    stage = CrossEncoderStage(lambda q, texts: np.array([len(t) for t in texts], dtype=float), head=3)
    # the head is ordered by the score (length); the fourth passage would score best but stays fourth
    assert [p.text for p in stage("q", passages)] == ["bbb", "cc", "a", "dddd"]
    assert stage("q", []) == []


def test_scores_follow_the_new_order_so_the_recency_prior_does_not_undo_it() -> None:
    fused = [0.05, 0.04, 0.03, 0.02]
    passages = [passage(i, t, score=s, published=d) for i, (t, s, d) in enumerate(
        zip(["a", "bbb", "cc", "dddd"], fused, ["2025-03-18", "2025-03-17", "2025-03-18", "2025-03-10"]))]
    stage = CrossEncoderStage(lambda q, texts: np.array([len(t) for t in texts], dtype=float), head=3)
    reordered = stage("q", passages)
    assert [p.score for p in reordered] == fused  # the head's scores handed out again, in the new order
    # the prior re-sorts by score: it may move a newer passage up a little, never back to the fused order
    assert [p.text for p in with_recency_prior(reordered, 0.0)] == ["bbb", "cc", "a", "dddd"]
    same_day = [replace(p, published="2025-03-18") for p in reordered]
    assert [p.text for p in with_recency_prior(same_day, 0.5)] == ["bbb", "cc", "a", "dddd"]


def test_the_title_is_read_before_the_text() -> None:
    assert passage_text(passage(0, "body", "Headline")) == "Headline\nbody"
    assert passage_text(passage(0, "body")) == "body"


def test_the_english_model_reads_english_questions_and_those_whose_language_is_not_told() -> None:
    stage = CrossEncoderStage(lambda q, texts: np.zeros(len(texts)))
    assert stage.reads("en") and stage.reads(None)
    assert not stage.reads("de") and not stage.reads("zh")
    assert replace(stage, languages=("en", "de")).reads("de")


def test_on_by_default_and_off_when_asked() -> None:
    stage = build_stage(Settings())
    assert isinstance(stage, CrossEncoderStage) and stage.head >= 1
    assert build_stage(Settings(rerank="none")) is None


@pytest.mark.slow  # about 3 s or more here (a --durations run)
def test_a_service_with_the_cross_encoder_answers_the_seed_and_refuses_what_it_does_not_hold(store_settings, embedder):
    settings = store_settings.model_copy(update={"rerank": "cross-encoder"})
    service = build_service(settings, embedder=embedder)
    service.index()
    stage = service.retriever.stage
    assert isinstance(stage, CrossEncoderStage) and stage.weight is None
    # Record what the stage's own model scored: int8 scores move a little with the batch they are computed
    # in (and with the CPU's int8 kernels), so a second scoring of the returned five is not the reference.
    scored: dict[str, float] = {}

    def recording(question: str, texts: list[str]) -> np.ndarray:
        scores = stage.scorer(question, texts)
        scored.update(zip(texts, (float(x) for x in scores)))
        return scores

    service.retriever.stage = replace(stage, scorer=recording)
    question = "What did Putin agree to pause?"
    passages = service.search(question, k=5)
    assert len(passages) == min(5, len(scored)) and scored
    returned = [scored[passage_text(p)] for p in passages]
    assert returned == sorted(returned, reverse=True)  # nothing after the stage put the fused order back
    assert returned[0] == max(scored.values())
    answer = service.ask(question)
    assert not answer.refused and "energy" in answer.text.lower()
    assert service.ask("What did Putin say about Taiwan?").refused
    # a question in another language keeps the fused order: the English model is not asked
    scored.clear()
    german = service.search("Welchen Angriffen hat Putin eine Pause zugestimmt?", k=5)
    assert german and not scored
