"""Polite fetching: at most a few requests at a time per host, and backing off when a host says so.

httpx has no per-host limit across clients nor retry on 429/5xx for GETs (its transport `retries` only
covers failed connections), so this small layer adds both around `index.fetch.fetch`.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable
from urllib.parse import urlparse

from index.errors import SourceError
from index.sources.fetch import Fetched, HTTPStatusError

log = logging.getLogger(__name__)

PER_HOST = 2  # requests in flight to one host
RETRIES = 2  # further attempts after a 429 or 5xx
BASE_DELAY = 2.0  # seconds before the first retry, doubled each time (or the server's Retry-After)
MAX_DELAY = 60.0  # never wait longer than this for one retry
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

RawFetch = Callable[[str, dict[str, str]], Fetched]


class PoliteFetcher:
    """Wraps a raw fetch (url, headers) -> Fetched with a per-host limit and backoff on 429/5xx.

    A host that still answers 429/5xx after the retries is left alone for the rest of the run: its
    other pages fail at once with the same reason instead of being requested.
    """

    def __init__(self, raw: RawFetch, per_host: int = PER_HOST, retries: int = RETRIES,
                 base_delay: float = BASE_DELAY, sleep: Callable[[float], None] = time.sleep) -> None:
        self._raw = raw
        self._per_host = per_host
        self._retries = retries
        self._base_delay = base_delay
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._given_up: dict[str, str] = {}  # host -> the reason
        self.requests = 0  # requests sent, for logs and tests

    def get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        """GET `url` (conditional when `headers` carry validators); raises SourceError like `fetch`."""
        host = (urlparse(url).hostname or "").lower()
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self._per_host))
        for attempt in range(self._retries + 1):
            if host in self._given_up:
                raise SourceError(f"{url}: not requested, {host} is backing off ({self._given_up[host]})")
            try:
                with slot:
                    with self._lock:
                        self.requests += 1
                    return self._raw(url, headers or {})
            except HTTPStatusError as exc:
                if exc.status not in RETRY_STATUSES:
                    raise
                if attempt == self._retries:
                    self._given_up[host] = f"HTTP {exc.status}"
                    raise
                delay = min(MAX_DELAY, self._base_delay * 2 ** attempt if exc.retry_after is None else exc.retry_after)
                log.info("%s answered HTTP %d; retrying in %.1f s", host, exc.status, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises
