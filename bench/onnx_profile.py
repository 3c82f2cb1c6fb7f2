"""Where the embedding model's time goes, per onnxruntime operator, and how batch size changes it.

    python bench/onnx_profile.py [--passages 300]

For the ONNX graph as shipped and the derived graph newsbot runs (index/embedding/onnx_prepare.py): the share of
kernel time per operator type (onnxruntime's own profiler) while embedding real 200-word-piece chunks of
realtimeqa-2025q1, then the time of the same texts at token budgets of 2,048 to 16,384 per batch and with
spinning intra-op threads, as ratios to the default (4,096, no spinning) measured in the same run.
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from embed_throughput import load_passages  # noqa: E402
from index.embedding.onnx_minilm import OnnxMiniLMEmbedder  # noqa: E402


def op_shares(embedder: OnnxMiniLMEmbedder, texts: list[str]) -> dict[str, float]:
    """Share of kernel time per operator type while embedding `texts` once."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.enable_profiling = True
    options.intra_op_num_threads = embedder.intra_op_threads
    options.profile_file_prefix = str(Path(tempfile.mkdtemp()) / "ort")
    embedder._load_session()  # derive the model if needed, then profile a session of the same file
    path = embedder._session._model_path
    embedder._session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    embedder.embed(texts)
    events = json.loads(Path(embedder._session.end_profiling()).read_text())
    by_op: collections.Counter = collections.Counter()
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            by_op[event["args"]["op_name"]] += event["dur"]
    total = sum(by_op.values())
    return {op: round(us / total, 3) for op, us in by_op.most_common(12)}


def best_of(embedder: OnnxMiniLMEmbedder, texts: list[str], rounds: int = 2) -> float:
    embedder.embed(texts[:8])
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        embedder.embed(texts)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=300)
    args = parser.parse_args()
    texts = load_passages(args.passages)
    models = Path(tempfile.mkdtemp(prefix="newsbot-models-"))
    result = {
        "shipped_graph_op_shares": op_shares(OnnxMiniLMEmbedder(), texts),
        "derived_graph_op_shares": op_shares(OnnxMiniLMEmbedder(cache_dir=models), texts),
    }
    default = best_of(OnnxMiniLMEmbedder(cache_dir=models), texts)
    variants = {f"budget_{b}": {"token_budget": b, "max_batch": 256} for b in (2048, 8192, 16384)}
    variants["spinning_threads"] = {"allow_spinning": True}
    result["time_vs_default_budget_4096"] = {
        name: round(best_of(OnnxMiniLMEmbedder(cache_dir=models, **kw), texts) / default, 3)
        for name, kw in variants.items()
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
