"""Telling the adapters what an index run added: listeners called after each incremental run, in the thread
that indexed (the refresh schedule's, a /reindex worker's), once the index lock is released. A listener that
fails is logged and the others still run; indexing never fails because of one."""
from __future__ import annotations

import logging
from typing import Callable, Sequence

from index.types import NewArticle

log = logging.getLogger(__name__)
Listener = Callable[[list[NewArticle]], None]


class NewArticleListeners:
    """Who is told of the articles each incremental index run adds (the adapters that post them)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> None:
        """Call `listener` with the articles each later incremental index run adds."""
        self._listeners.append(listener)

    def announce(self, articles: Sequence[NewArticle]) -> None:
        """Give `articles` (when there are any) to every listener."""
        if not articles:
            return
        for listener in list(self._listeners):
            try:
                listener(list(articles))
            except Exception:
                log.exception("a listener of new articles failed")
