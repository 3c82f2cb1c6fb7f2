"""bench/models.py's encoders for the two packaged models it measured and newsbot does not run."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.models import BgeSmallEmbedder, CachedEmbedder, ColbertEncoder

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "2025-03-19-cnn-putin-agrees-to-pause-attacks-on-energy-targets.txt"
QUESTION = "What did Putin agree to pause?"
OFF_TOPIC = "The recipe calls for two cups of flour, a pinch of salt and butter softened at room temperature."


def seed_passage() -> str:
    return next(p for p in SEED.read_text().split("\n\n") if "pause" in p.lower())


def test_bge_small_gives_unit_vectors_and_ranks_the_seed_above_an_off_topic_text() -> None:
    bge = BgeSmallEmbedder()
    vectors = bge.embed([seed_passage(), OFF_TOPIC, "short"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    question = bge.embed([QUESTION])[0]
    assert question @ vectors[0] > question @ vectors[1] + 0.1
    # activations are quantised per batch, so a text's vector moves a little with its batch-mates
    assert bge.embed(["short"])[0] @ vectors[2] > 0.98
    assert bge.count_tokens("Putin agreed") == len(bge.tokenize("Putin agreed")) > 0


def test_colbert_token_vectors_and_maxsim() -> None:
    colbert = ColbertEncoder()
    documents = colbert.documents([seed_passage(), OFF_TOPIC])
    query = colbert.query(QUESTION)
    assert query.shape[1] == 128 and all(d.shape[1] == 128 for d in documents)
    assert documents[1].shape[0] == len(colbert.model.pieces([OFF_TOPIC])[0]) + 2
    assert np.allclose(np.linalg.norm(documents[1], axis=1), 1.0, atol=1e-5)
    assert colbert.maxsim(query, documents[0]) > colbert.maxsim(query, documents[1])


def test_the_cache_keeps_vectors_across_runs(tmp_path) -> None:
    path = tmp_path / "vectors.pkl"
    first = CachedEmbedder(BgeSmallEmbedder(), path)
    vectors = first.embed([OFF_TOPIC, "short", OFF_TOPIC])
    assert np.allclose(vectors[0], vectors[2]) and first.seconds > 0
    again = CachedEmbedder(BgeSmallEmbedder(), path)  # a new process: everything read back from the file
    assert set(again.known) == {OFF_TOPIC, "short"}
    assert np.array_equal(again.embed(["short", OFF_TOPIC]), vectors[[1, 0]]) and again.seconds == 0.0
