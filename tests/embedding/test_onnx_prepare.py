"""The derived ONNX graph (index/embedding/onnx_prepare.py): same vectors as the shipped file, built once, and a
failure to derive only falls back to the shipped file."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

import pytest

from index.embedding.onnx_minilm import OnnxMiniLMEmbedder
from index.embedding.onnx_prepare import cached_model_path, prepared_model_path, strip_nan_guards

pytestmark = pytest.mark.slow  # derives ONNX graphs

ROOT = Path(__file__).resolve().parents[2]
SEED = next((ROOT / "seeds").glob("2025-03-19-*.txt"))


def test_derived_graph_gives_the_shipped_vectors_on_padded_batches(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    words = text.split()
    # mixed lengths in one batch, so rows carry padding (masked keys) of different widths
    texts = ["ceasefire", "What did Putin agree to pause?"] + [" ".join(words[i:i + n]) for i, n in
                                                                 ((0, 180), (200, 40), (400, 90), (50, 7))]
    shipped = OnnxMiniLMEmbedder().embed(texts)
    derived_model = OnnxMiniLMEmbedder(cache_dir=tmp_path)
    derived = derived_model.embed(texts)
    assert np.abs(derived - shipped).max() < 1e-4
    assert ((derived * shipped).sum(1) > 0.99999).all()

    path = cached_model_path(OnnxMiniLMEmbedder.onnx_path(), tmp_path)
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    assert "IsNaN" not in ops  # the guards are gone ...
    assert {"SkipLayerNormalization", "BiasGelu"} <= ops  # ... and onnxruntime's fusions applied


def test_derived_graph_is_built_once_and_reused(tmp_path):
    source = OnnxMiniLMEmbedder.onnx_path()
    first = prepared_model_path(source, tmp_path)
    stamp = Path(first).stat().st_mtime_ns
    assert prepared_model_path(source, tmp_path) == first
    assert Path(first).stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [Path(first).name]  # no temporary files left behind


def test_a_failed_derivation_falls_back_to_the_source(tmp_path, caplog):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x00 not an onnx file")
    with caplog.at_level(logging.WARNING):
        assert prepared_model_path(str(broken), tmp_path / "models") == str(broken)
    assert "deriving the faster copy failed" in caplog.text
    assert prepared_model_path(str(broken), None) == str(broken)


def _guarded_softmax_graph(output_is_guard: bool = False):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("g" if output_is_guard else "y", TensorProto.FLOAT, [2, 3])
    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    nodes = [
        helper.make_node("Softmax", ["x"], ["p"]),
        helper.make_node("IsNaN", ["p"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "p"], ["g"]),
    ]
    if not output_is_guard:
        nodes.append(helper.make_node("Relu", ["g"], ["y"]))
    graph = helper.make_graph(nodes, "guarded", [x], [y], initializer=[zero])
    return helper.make_model(graph)


def test_strip_nan_guards_rewires_consumers_to_the_guarded_value():
    model = _guarded_softmax_graph()
    assert strip_nan_guards(model) == 1
    assert [n.op_type for n in model.graph.node] == ["Softmax", "Relu"]
    assert list(model.graph.node[1].input) == ["p"]
    onnx.checker.check_model(model)


def test_strip_nan_guards_leaves_a_guard_that_is_a_graph_output():
    model = _guarded_softmax_graph(output_is_guard=True)
    assert strip_nan_guards(model) == 0
    assert [n.op_type for n in model.graph.node] == ["Softmax", "IsNaN", "Where"]


def test_int8_variant_runs_integer_matmuls_close_to_fp32_under_its_own_name(tmp_path):
    from index.app import build_embedder, collection_name
    from index.settings import Settings

    words = SEED.read_text(encoding="utf-8").split()
    texts = ["What did Putin agree to pause?"] + [" ".join(words[i:i + 150]) for i in range(0, 600, 150)]
    int8 = build_embedder(Settings(home=tmp_path, embed_model="local-int8"))
    fp32 = build_embedder(Settings(home=tmp_path))
    cosines = (int8.embed(texts) * fp32.embed(texts)).sum(1)
    # measured on 600 realtimeqa chunks: mean 0.995, min 0.982 (BENCHMARKS.md)
    assert cosines.min() > 0.97 and cosines.mean() > 0.985
    path = cached_model_path(OnnxMiniLMEmbedder.onnx_path(), tmp_path / "models", quantize=True)
    ops = {node.op_type for node in onnx.load(str(path)).graph.node}
    assert ops & {"MatMulInteger", "DynamicQuantizeMatMul"}
    # its vectors never share a collection with the fp32 model's
    assert collection_name("news", int8) != collection_name("news", fp32)
