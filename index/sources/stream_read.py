"""Reading feeds and URL pages as archives: only what changed is fetched, and only a gone page is removed.

The rules (README "Feeds and URLs are archives"):
- The feed is fetched with If-None-Match / If-Modified-Since; a 304 means no entry changed.
- An entry whose link was indexed with the same feed `id`/guid and `updated` value is not fetched again.
- A page is checked again (a conditional GET, normally answered 304) when its entry changes, and at the
  latest `RECHECK_DAYS` after its last check, also once it has left the feed (at most `RECHECK_PER_RUN`
  such re-checks per run, the oldest first).
- A check answered **410 Gone** removes the article; **404** removes it when the check before also
  answered 404. Any other failure (5xx, 429, timeout, a broken page) keeps what was indexed.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from index.sources.articles import normalize_date
from index.errors import SourceError
from index.sources.fetch import HTTPStatusError
from index.sources.fetch_state import PageState, SourceState, conditional_headers
from index.sources.item_guard import clean_article, describe
from index.sources.polite import PoliteFetcher
from index.sources.readers import article_from_fetched
from index.sources.sources_config import SourceSpec
from index.types import Article, ItemError

log = logging.getLogger(__name__)

RECHECK_DAYS = 7
RECHECK_PER_RUN = 20
WORKERS = 4  # pages fetched at once (PoliteFetcher still allows only a few per host)


@dataclass
class StreamRead:
    """What one read of a feed or URL source found; `state` is saved once the articles are indexed."""

    articles: list[Article] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # article ids whose page is gone (410, or 404 twice)
    state: SourceState = field(default_factory=SourceState)
    not_modified: bool = False  # the feed answered 304
    failure: SourceError | None = None  # a URL source whose page could not be read: the source failed


@dataclass(frozen=True)
class Task:
    """A page to request: its link, the feed entry's guid/updated/date, and what was known of it."""

    link: str
    guid: str = ""
    updated: str = ""
    entry_date: str = ""
    known: PageState | None = None


def _due(page: PageState, now: datetime) -> bool:
    """A known page is checked again after a 404, or RECHECK_DAYS after its last check."""
    if page.not_found:
        return True
    try:
        return now - datetime.fromisoformat(page.checked) >= timedelta(days=RECHECK_DAYS)
    except ValueError:
        return True


def read_archive(spec: SourceSpec, fetcher: PoliteFetcher, state: SourceState, known: set[str],
                 now: datetime, full: bool = False) -> StreamRead:
    """Read a feed or URL source against what is already indexed (`known` article ids)."""
    result = StreamRead(state=replace(state, pages=dict(state.pages)))
    if spec.kind == "url":
        _run(spec, fetcher, [Task(spec.location, known=_known(state, spec.location, known, full))], result, now)
        if result.errors and not result.articles:  # its one page is the whole source (what it had is kept)
            result.failure = SourceError(result.errors[0].reason)
        return result
    tasks = _feed_tasks(spec, fetcher, result, known, now, full)
    _run(spec, fetcher, tasks, result, now)
    return result


def _known(state: SourceState, link: str, known: set[str], full: bool) -> PageState | None:
    page = state.pages.get(link)
    return page if page and page.article_id in known and not full else None


def _feed_tasks(spec: SourceSpec, fetcher: PoliteFetcher, result: StreamRead, known: set[str], now: datetime,
                full: bool) -> list[Task]:
    """The pages to request this run: new or changed entries, then due re-checks of older pages."""
    import feedparser

    state = result.state
    headers = state.validators() if known and not full else {}
    fetched = fetcher.get(spec.location, headers)
    entries = []
    if fetched.status == 304:
        result.not_modified = True
    else:
        feed = feedparser.parse(fetched.body)
        if feed.bozo and not any(entry.get("link") for entry in feed.entries):
            raise SourceError(f"source {spec.name!r}: malformed feed: {feed.get('bozo_exception', 'unreadable')}")
        if not feed.entries and not feed.feed.get("title"):
            raise SourceError(f"source {spec.name!r}: {spec.location} is not an RSS or Atom feed")
        entries = feed.entries[: spec.max_items]
        state.etag, state.last_modified = fetched.etag, fetched.last_modified
    tasks, listed = [], set()
    for entry in entries:
        link = entry.get("link", "")
        if not link:
            result.errors.append(ItemError(spec.name, entry.get("title", "?"), "entry has no link"))
            continue
        listed.add(link)
        guid, updated = str(entry.get("id", "")), str(entry.get("updated") or entry.get("published") or "")
        page = _known(state, link, known, full)
        if page and page.guid == guid and page.updated == updated and not _due(page, now):
            continue
        tasks.append(Task(link, guid, updated, str(entry.get("published") or entry.get("updated") or ""), page))
    rechecks = [Task(link, page.guid, page.updated, known=page) for link, page in state.pages.items()
                if link not in listed and page.article_id in known and not full and _due(page, now)]
    rechecks.sort(key=lambda t: t.known.checked if t.known else "")
    return tasks + rechecks[:RECHECK_PER_RUN]


def _run(spec: SourceSpec, fetcher: PoliteFetcher, tasks: list[Task], result: StreamRead, now: datetime) -> None:
    """Request every task's page (a few at once) and fold the outcomes into `result`, in task order."""
    if not tasks:
        return
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(tasks))) as pool:
        outcomes = list(pool.map(lambda task: _check(spec, fetcher, task, now), tasks))
    for task, (article, page, error) in zip(tasks, outcomes):
        if article is not None:
            result.articles.append(article)
        if page is None and task.known is not None and error is None:
            result.removed.append(task.known.article_id)
            result.state.pages.pop(task.link, None)
        elif page is not None:
            result.state.pages[task.link] = page
        if error is not None:
            result.errors.append(error)


def _check(spec: SourceSpec, fetcher: PoliteFetcher, task: Task,
           now: datetime) -> tuple[Article | None, PageState | None, ItemError | None]:
    """(article fetched, new page state, error) for one page. (None, None, None): the page is gone."""
    known = task.known
    stamp = now.isoformat(timespec="seconds")
    headers = conditional_headers(known.etag, known.last_modified) if known else {}
    try:
        fetched = fetcher.get(task.link, headers)
        if fetched.status == 304 and known is not None:
            return None, replace(known, guid=task.guid, updated=task.updated, checked=stamp, not_found=0), None
        article = article_from_fetched(fetched, task.link, spec.name)
    except HTTPStatusError as exc:
        return _failed_check(spec, task, exc, stamp)
    except Exception as exc:  # the item boundary (index/sources/item_guard.py): one page never ends the run
        return None, known, ItemError(spec.name, task.link, describe(exc))
    article = clean_article(article)
    if not article.published and task.entry_date:
        article = replace(article, published=normalize_date(task.entry_date))
    page = PageState(article.id, task.guid, task.updated, fetched.etag, fetched.last_modified, stamp, 0)
    return article, page, None


def _failed_check(spec: SourceSpec, task: Task, exc: HTTPStatusError,
                  stamp: str) -> tuple[None, PageState | None, ItemError | None]:
    """410 removes a known page; 404 removes it the second time in a row; anything else keeps it."""
    known = task.known
    if known is None:
        return None, None, ItemError(spec.name, task.link, str(exc))
    if exc.status == 410 or (exc.status == 404 and known.not_found >= 1):
        log.info("%s: %s answered HTTP %d; its article is removed", spec.name, task.link, exc.status)
        return None, None, None
    if exc.status == 404:
        return None, replace(known, not_found=1, checked=stamp), ItemError(
            spec.name, task.link, f"{exc} (kept; removed if the next check also answers 404)")
    return None, known, ItemError(spec.name, task.link, f"{exc} (kept)")
