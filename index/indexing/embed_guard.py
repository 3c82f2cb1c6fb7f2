"""Indexing's item boundary: an article that cannot be chunked or embedded fails alone, not its batch."""
from __future__ import annotations

import logging
from typing import Sequence

from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import BaseNode

from index.sources.item_guard import describe
from index.types import IndexReport, ItemError

log = logging.getLogger(__name__)


def embed_each(pipeline: IngestionPipeline, batch: list, source: str, report: IndexReport,
               show_progress: bool = False) -> tuple[list, Sequence[BaseNode]]:
    """(documents embedded, their chunks) of one batch. When the batch fails, each document is run alone:
    one that fails alone becomes an ItemError of `report` (and leaves its added/updated list); the others
    are indexed."""
    try:
        return batch, pipeline.run(documents=batch, show_progress=show_progress)
    except Exception as exc:  # the item boundary of indexing: find the article(s) that broke the batch
        if len(batch) == 1:
            _failed(batch[0], exc, source, report)
            return [], []
        log.warning("a batch of %s failed to embed (%s); embedding its articles one by one", source, exc)
    embedded, nodes = [], []
    for doc in batch:
        try:
            nodes += pipeline.run(documents=[doc])
        except Exception as exc:
            _failed(doc, exc, source, report)
            continue
        embedded.append(doc)
    return embedded, nodes


def _failed(doc, exc: Exception, source: str, report: IndexReport) -> None:
    """Record an article that could not be chunked or embedded as an error instead of added/updated."""
    title = doc.metadata.get("title", "")
    report.errors.append(ItemError(source, doc.metadata.get("url") or title or doc.id_, describe(exc)))
    for titles in (report.added, report.updated):
        if title in titles:
            titles.remove(title)
            return
