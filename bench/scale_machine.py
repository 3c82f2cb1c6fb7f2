"""bench/scale.py's machine side: the fp32 matrix-product limit on MiniLM's shapes, the machine's
description, and the embedding throughput against that limit (a recorder replays the pipeline's batches)."""
from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

# all-MiniLM-L6-v2 (config.json): 6 layers, hidden 384, intermediate 1536.
LAYERS, HIDDEN, INTER = 6, 384, 1536


def flops_per_token(seq_len: int) -> float:
    """Dense FLOPs for one token of a `seq_len`-token sequence (multiply-add = 2): per layer the Q, K, V and
    output projections (4 H^2), the FFN (2 H I), and attention scores and mixing (2 * seq_len * H)."""
    return LAYERS * 2 * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * INTER + 2 * seq_len * HIDDEN)


def useful_flops(lengths: Sequence[int]) -> float:
    """FLOPs of the real (unpadded) tokens of sequences of these lengths ([CLS]/[SEP] included)."""
    return float(sum(n * flops_per_token(n) for n in lengths))


def matmul_rate(rows: int = 4096, reps: int = 5) -> float:
    """Best measured fp32 GFLOP/s of numpy matrix products on the model's shapes, all cores."""
    rng = np.random.default_rng(0)
    best = 0.0
    for m, k, n in [(rows, HIDDEN, INTER), (rows, INTER, HIDDEN), (rows, HIDDEN, HIDDEN)]:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        a @ b
        for _ in range(reps):
            t = time.perf_counter()
            a @ b
            best = max(best, 2.0 * m * k * n / (time.perf_counter() - t) / 1e9)
    return best


def machine() -> dict:
    """What this ran on: CPU model, cores, memory, versions, load."""
    cpu = ""
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    mem = ""
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except OSError:
        pass
    import chromadb
    import onnxruntime

    return {
        "cpu": cpu or platform.processor(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "simd": sorted(f for f in flags if f.startswith(("avx512f", "avx512_vnni", "amx_int8", "avx2"))),
        "memory": mem,
        "python": platform.python_version(),
        "onnxruntime": onnxruntime.__version__,
        "chromadb": chromadb.__version__,
        "load_average": os.getloadavg(),
    }


class RecordingEmbedder:
    """Wraps the real embedder: records each batch the pipeline sends, the time spent in the model, and
    every text's vector (so later copies of the same text need no model run)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dimensions, self.max_tokens = inner.name, inner.dimensions, inner.max_tokens
        self.batches: list[list[str]] = []
        self.model_seconds = 0.0
        self.vectors: dict[str, np.ndarray] = {}
        self.recording = False
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        known = [self.vectors.get(t) for t in texts]
        if texts and all(v is not None for v in known):
            return np.stack(known)
        started = time.perf_counter()
        vectors = self.inner.embed(texts)
        self.model_seconds += time.perf_counter() - started
        self.misses += len(texts)
        if self.recording:
            self.batches.append(list(texts))
        self.vectors.update(zip(texts, vectors))
        return vectors

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def tokenize(self, text: str) -> list[str]:
        return self.inner.tokenize(text)


def throughput(recorder: RecordingEmbedder, pipeline_s: float, chunks: int, limit: float) -> dict:
    """Pipeline vs model alone on the recorded batches, both against the limit."""
    from index.embedding.onnx_minilm import OnnxMiniLMEmbedder

    bare = recorder.inner
    lengths = [len(r) for b in recorder.batches for r in bare.encode_ids(b)]
    tokens = sum(lengths)
    flops = useful_flops(lengths)
    t = time.perf_counter()
    for batch in recorder.batches:  # the same batches, in the same order, on the bare model
        bare.embed(batch)
    model_s = time.perf_counter() - t
    # the graph as shipped, on a sample of the same batches (what the derived graph is compared with)
    sample = recorder.batches[: max(1, len(recorder.batches) // 4)]
    sample_lengths = [len(r) for b in sample for r in bare.encode_ids(b)]
    shipped = OnnxMiniLMEmbedder(intra_op_threads=bare.intra_op_threads)
    shipped.embed(["warm up"])
    bare.embed(["warm up"])
    t = time.perf_counter()
    for batch in sample:
        shipped.embed(batch)
    shipped_s = time.perf_counter() - t
    t = time.perf_counter()
    for batch in sample:
        bare.embed(batch)
    derived_sample_s = time.perf_counter() - t
    from index.embedding.embedders import MiniLMEmbedder

    st = MiniLMEmbedder()  # the straightforward sentence-transformers run (torch fp32, encode in batches)
    st.embed(["warm up"])
    t = time.perf_counter()
    for batch in sample:
        st.embed(batch)
    st_sample_s = time.perf_counter() - t
    int8 = OnnxMiniLMEmbedder(intra_op_threads=bare.intra_op_threads, cache_dir=bare.cache_dir, quantize=True)
    int8.embed(["warm up"])
    t = time.perf_counter()
    for batch in sample:
        int8.embed(batch)
    int8_sample_s = time.perf_counter() - t
    return {
        "chunks": chunks, "tokens": tokens, "mean_tokens_per_chunk": tokens / max(chunks, 1),
        "useful_gflop": flops / 1e9, "limit_gflops": limit,
        "pipeline": {"seconds": pipeline_s, "chunks_per_s": chunks / pipeline_s, "tokens_per_s": tokens / pipeline_s,
                     "of_limit": flops / pipeline_s / 1e9 / limit,
                     "model_share_of_pipeline_time": recorder.model_seconds / pipeline_s},
        "model_alone": {"seconds": model_s, "chunks_per_s": chunks / model_s, "tokens_per_s": tokens / model_s,
                        "of_limit": flops / model_s / 1e9 / limit},
        "pipeline_over_model_time": pipeline_s / model_s,
        "shipped_graph_sample": {"texts": sum(len(b) for b in sample),
                                 "derived_speedup": shipped_s / derived_sample_s,
                                 "shipped_of_limit": useful_flops(sample_lengths) / shipped_s / 1e9 / limit,
                                 "derived_of_limit": useful_flops(sample_lengths) / derived_sample_s / 1e9 / limit,
                                 "int8_speedup_over_derived": derived_sample_s / int8_sample_s,
                                 "sentence_transformers_of_limit": useful_flops(sample_lengths) / st_sample_s / 1e9 / limit,
                                 "derived_speedup_over_sentence_transformers": st_sample_s / derived_sample_s,
                                 "int8_of_fp32_limit": useful_flops(sample_lengths) / int8_sample_s / 1e9 / limit},
    }


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
