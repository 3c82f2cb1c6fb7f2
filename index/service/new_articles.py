"""Telling the adapters what an index run added: listeners called after each incremental run, in the thread
that indexed (the refresh schedule's, a /reindex worker's), once the index lock is released. A listener that
fails is logged and the others still run; indexing never fails because of one."""
from __future__ import annotations

import logging
from typing import Callable, Sequence

from index.types import NewArticle

log = logging.getLogger(__name__)
Listener = Callable[[list[NewArticle]], None]


def watch(service: object, listener: Listener) -> None:
    """Call `listener` with the articles each later incremental index run of `service` adds."""
    listeners = service.__dict__.setdefault("_new_article_listeners", [])
    listeners.append(listener)


def announce(service: object, articles: Sequence[NewArticle]) -> None:
    """Give `articles` (when there are any) to every listener of `service`."""
    if not articles:
        return
    for listener in list(service.__dict__.get("_new_article_listeners", ())):
        try:
            listener(list(articles))
        except Exception:
            log.exception("a listener of new articles failed")
