"""The opt-in cross-encoder stage (NEWSBOT_RERANK=cross-encoder): its order, and a real service using it."""
from __future__ import annotations

import numpy as np

from index.app import build_service, build_stage
from index.embedding.packaged_models import CrossEncoder
from index.retrieval.cross_stage import CrossEncoderStage, fused_order, passage_text
from index.settings import Settings
from index.types import Passage


def passage(n: int, text: str, title: str = "") -> Passage:
    return Passage(chunk_id=f"a#{n}", article_id="a", text=text, title=title, source="seeds")


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


def test_the_title_is_read_before_the_text() -> None:
    assert passage_text(passage(0, "body", "Headline")) == "Headline\nbody"
    assert passage_text(passage(0, "body")) == "body"


def test_off_by_default_and_on_when_asked() -> None:
    assert build_stage(Settings()) is None
    stage = build_stage(Settings(rerank="cross-encoder"))
    assert isinstance(stage, CrossEncoderStage) and stage.head >= 1


def test_a_service_with_the_cross_encoder_answers_the_seed_and_refuses_what_it_does_not_hold(store_settings, embedder):
    settings = store_settings.model_copy(update={"rerank": "cross-encoder"})
    service = build_service(settings, embedder=embedder)
    service.index()
    question = "What did Putin agree to pause?"
    passages = service.search(question, k=5)
    head = passages[: service.retriever.stage.head]
    scores = CrossEncoder().score(question, [passage_text(p) for p in head])
    assert list(scores) == sorted(scores, reverse=True) or service.retriever.stage.weight is not None
    answer = service.ask(question)
    assert not answer.refused and "energy" in answer.text.lower()
    assert service.ask("What did Putin say about Taiwan?").refused
