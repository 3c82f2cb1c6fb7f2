"""A deterministic stand-in for the embedding model, through the same `Embedder` seam.

For the tests that are not about ranking (the store, ingestion, the doctor, crash-safe re-indexing, sources,
the adapters' plumbing): no ONNX session to load, and embedding costs a few microseconds per text. Each text
is a hashed bag of its content terms (`index.text.terms`: stemmed, stop words removed) in 384 dimensions,
normalised, so texts that share words are near and the same text always gets the same vector. Tests about
ranking and answer quality keep the real model (the `embedder` fixture).
"""
from __future__ import annotations

import re
import zlib
from collections import Counter
from typing import Sequence

import numpy as np

from index.text import terms

_PIECE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class HashingEmbedder:
    """Hashed bag of words: each term adds ±1 to one of `dimensions` slots chosen by its CRC-32."""

    name = "hashing-bag-of-words"
    dimensions = 384
    max_tokens = 256  # as all-MiniLM-L6-v2, so chunking settings mean the same

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A float32 array of shape (len(texts), 384), rows of unit length; a text without terms gets a
        fixed unit vector (so it is still a valid vector, near nothing in particular)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for term, count in Counter(terms(text)).items():
                code = zlib.crc32(term.encode("utf-8"))
                out[row, code % self.dimensions] += count if code & 1 << 31 else -count
            norm = float(np.linalg.norm(out[row]))
            if norm == 0.0:
                out[row, 0], norm = 1.0, 1.0
            out[row] /= norm
        return out

    def count_tokens(self, text: str) -> int:
        """Words and punctuation marks of `text`."""
        return len(self.tokenize(text))

    def tokenize(self, text: str) -> list[str]:
        """Words and punctuation marks, the pieces chunk sizes are counted in (a word piece tokenizer gives a
        few more)."""
        return _PIECE.findall(text)
