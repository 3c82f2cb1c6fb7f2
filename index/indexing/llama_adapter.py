"""Adapters that let llama-index's ingestion pipeline and retrievers use our embedder seam."""
from __future__ import annotations

from typing import Any, List

from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.embeddings import BaseEmbedding

from index.embedding.embedders import Embedder, embed_queries


class EmbedderAdapter(BaseEmbedding):
    """A llama-index `BaseEmbedding` backed by an `Embedder`.

    llama-index hands us batches of `embed_batch_size`; we make those large so that the embedder's own
    length-sorted batching sees many texts at once (less padding waste).
    """

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, embed_batch_size: int = 512, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, embed_batch_size=embed_batch_size, **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "NewsbotEmbedderAdapter"

    def _get_query_embedding(self, query: str) -> List[float]:
        return embed_queries(self._embedder, [query])[0].tolist()

    def _get_text_embedding(self, text: str) -> List[float]:
        return self._embedder.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: List[str]) -> List[List[float]]:
        return self._embedder.embed(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> List[float]:
        return self._get_query_embedding(query)
