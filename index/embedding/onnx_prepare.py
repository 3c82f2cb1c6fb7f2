"""Derive a faster, equivalent copy of the MiniLM ONNX graph once, and cache it in the data folder.

Measured on this project's CPU (bench/scale.py and bench/onnx_profile.py, BENCHMARKS.md "Speed and
memory at every size"): the shipped export spends about a fifth of its time on a no-op. After every attention
softmax it runs `Where(IsNaN(p), 0, p)`, a guard for rows whose keys are all masked: a full pass over the
[batch, 12, seq, seq] tensor, twice, in each of the 6 layers (Where 16 % + IsNaN 3 % of kernel time).
newsbot's rows always keep [CLS] and [SEP] unmasked, so no row is fully masked and the guard is an
identity; removing it changes no vector. onnxruntime's own transformer optimizer then fuses bias+GELU and
residual+LayerNorm (it finds no attention pattern to fuse in this export). Together: 1.34x the
throughput of the shipped graph, with vectors equal to 1e-6.

With `quantize`, the fused graph's matrix products are then quantised to int8 (onnxruntime's dynamic
quantisation: int8 weights per output channel, activations quantised at run time), which this CPU runs
with VNNI/AMX integer instructions: 1.74x the fp32 derived graph again, but the vectors move
(cosine to fp32 about 0.995, top-10 neighbours about 0.91 the same), so it is an opt-in model with its own
collection (NEWSBOT_EMBED_MODEL=local-int8), never mixed with fp32 vectors.

The derived file is a pure function of the source file and RECIPE, computed locally (nothing is
downloaded), written atomically, and rebuilt when either changes. If anything goes wrong (e.g. the
`onnx` package is missing), the caller falls back to the source file: slower, never broken.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Bump when the transformation below changes, so cached files from an older recipe are not reused.
RECIPE = "fold-nonan-fuse-1"
HEADS, HIDDEN = 12, 384  # all-MiniLM-L6-v2


def _digest(path: str) -> str:
    """Identify the source file by path, size and modification time (hashing 23 MB would cost each
    start ~25 ms; a reinstalled package changes the modification time)."""
    st = os.stat(path)
    key = f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def cached_model_path(source: str, cache_dir: Path, quantize: bool = False) -> Path:
    """Where the derived model for `source` lives in `cache_dir` (it may not exist yet)."""
    return Path(cache_dir) / f"minilm-{_digest(source)}-{RECIPE}{'-int8' if quantize else ''}.onnx"


def strip_nan_guards(model) -> int:
    """Remove `Where(IsNaN(x), c, x)` pairs from an onnx ModelProto in place; return how many were removed.

    Consumers of the Where's output read `x` directly. Only the exact pattern is touched.
    """
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    rename: dict[str, str] = {}
    dropped = []
    for node in graph.node:
        if node.op_type != "Where" or len(node.input) != 3:
            continue
        guard = producer.get(node.input[0])
        if guard is None or guard.op_type != "IsNaN" or guard.input[0] != node.input[2]:
            continue
        rename[node.output[0]] = node.input[2]
        dropped += [node, guard]
    graph_outputs = {o.name for o in graph.output}
    if rename.keys() & graph_outputs:  # never rewire a graph output; leave such a model alone
        return 0
    for node in dropped:
        graph.node.remove(node)
    for node in graph.node:
        for k, name in enumerate(node.input):
            if name in rename:
                node.input[k] = rename[name]
    return len(dropped) // 2


def _derive(source: str, target: Path, quantize: bool = False) -> None:
    import onnx
    import onnxruntime as ort
    from onnxruntime.transformers import optimizer

    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        folded = os.path.join(tmp, "folded.onnx")
        # 1. onnxruntime folds the int8 storage (Cast/Mul on initializers) into fp32 constants.
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        opts.optimized_model_filepath = folded
        ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])
        # 2. drop the softmax NaN guards (see the module docstring).
        model = onnx.load(folded)
        removed = strip_nan_guards(model)
        stripped = os.path.join(tmp, "stripped.onnx")
        onnx.save(model, stripped)
        # 3. onnxruntime's transformer fusions (pure graph rewrites, opt_level 0: no session needed).
        fused = optimizer.optimize_model(stripped, model_type="bert", num_heads=HEADS, hidden_size=HIDDEN,
                                         opt_level=0)
        partial = os.path.join(tmp, "model.onnx")
        fused.save_model_to_file(partial)
        if quantize:  # 4. int8 matrix products (see the module docstring)
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantized = os.path.join(tmp, "quantized.onnx")
            quantize_dynamic(partial, quantized, weight_type=QuantType.QInt8, per_channel=True)
            partial = quantized
        os.replace(partial, target)  # same folder: atomic, so a concurrent reader sees all or nothing
        log.info("derived %s (%d NaN guards removed)", target.name, removed)


def prepared_model_path(source: str, cache_dir: Path | None, quantize: bool = False) -> str:
    """The derived model for `source` (built on first use); `source` itself when there is no cache dir
    or the derivation fails. A quantised model has different vectors, so for it a failure is an error."""
    if cache_dir is None:
        if quantize:
            raise ValueError("the int8 model is derived into a cache folder; none was given")
        return source
    try:
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        target = cached_model_path(source, cache_dir, quantize)
        if not target.exists():
            _derive(source, target, quantize)
        return str(target)
    except Exception as exc:  # any failure here only costs speed
        if quantize:
            raise
        log.warning("using the ONNX model as shipped; deriving the faster copy failed: %s: %s",
                    type(exc).__name__, exc)
        return source
