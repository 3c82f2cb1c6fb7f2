"""The one error boundary around reading a source's items, and the hygiene every article read goes through.

Sources are untrusted: a JSON line, a feed entry, a file or a page may be built to break a parser (an
invalid IPv6 host, JSON nested 100,000 deep, lone surrogates, control characters). Whatever one item
raises becomes an `ItemError` naming the item, and the rest of the source is still read.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable, Iterable, TypeVar

from index.errors import NewsbotError
from index.text import one_line, without_controls
from index.types import Article, ItemError

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_REASON_CHARS = 300


def clean_article(article: Article) -> Article:
    """The article with control characters and lone surrogates out of every field (one-line metadata)."""
    return replace(
        article, title=one_line(article.title), text=without_controls(article.text).strip(),
        url=one_line(article.url), outlet=one_line(article.outlet),
        authors=tuple(one_line(a) for a in article.authors), published=one_line(article.published),
    )


def describe(exc: BaseException) -> str:
    """A one-line reason for the failure of one item, fit to show a user."""
    if isinstance(exc, NewsbotError):
        text = str(exc)
    elif isinstance(exc, RecursionError):
        text = "nested too deeply to read"
    elif isinstance(exc, MemoryError):
        text = "too large to read"
    elif isinstance(exc, ImportError):
        text = f"a library needed to read it is missing ({exc.name or exc})"
    else:
        text = f"unreadable ({type(exc).__name__}: {exc})" if str(exc) else f"unreadable ({type(exc).__name__})"
    text = one_line(text)
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def read_each(source: str, items: Iterable[T], locate: Callable[[T], str],
              read: Callable[[T], Article]) -> tuple[list[Article], list[ItemError]]:
    """`read` every item; any exception of one item becomes an ItemError at `locate(item)`.

    `locate` must not fail on what `items` yields; its result is made one line. Only the iteration itself
    (e.g. listing a folder) may still raise, which fails the source as a whole.
    """
    articles: list[Article] = []
    errors: list[ItemError] = []
    for item in items:
        try:
            articles.append(clean_article(read(item)))
        except Exception as exc:  # the boundary: no item may end the run, whatever it raises
            log.debug("item %r of %s failed", item, source, exc_info=True)
            errors.append(ItemError(source, _location(locate, item), describe(exc)))
    return articles, errors


def _location(locate: Callable[[T], str], item: T) -> str:
    try:
        where = one_line(str(locate(item)))
    except Exception:  # a location is only a label: never let it end the run either
        where = "?"
    return where[:MAX_REASON_CHARS] or "?"


def source_failure(source: str, location: str, exc: BaseException) -> ItemError:
    """The error of a whole source that could not be read (not an item of it)."""
    return ItemError(source, one_line(location)[:MAX_REASON_CHARS], describe(exc))
