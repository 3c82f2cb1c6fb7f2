"""A scripted RSS feed and its article pages on 127.0.0.1, with ETag support and request counts."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

from tests.support.http_server import LocalServer

BODY = ("The {topic} committee met on {day} and agreed on a plan about {topic} after a long public debate. "
        "Residents said the {topic} plan would change how the town works for years to come. ") * 2


def article_text(title: str, topic: str, day: str = "March 1, 2025") -> str:
    """A plain-text article shaped like the seed: title, byline, date line, body."""
    return f"{title}\n\nBy Ann Lee, Local\nUpdated 10:00 AM EST, Sat {day}\n\n{BODY.format(topic=topic, day=day)}"


class FeedSite:
    """A feed at /feed and pages at /p/<slug>, served with ETags; `status` overrides a page's answer."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}  # slug -> text
        self.status: dict[str, int] = {}  # slug -> HTTP status to answer instead of the page
        self.status_once: dict[str, int] = {}  # slug -> HTTP status to answer once, then the page
        self.retry_after: dict[str, int] = {}  # slug -> Retry-After seconds sent with an error status
        self.delay = 0.0  # seconds each page takes to answer (so that concurrent requests overlap)
        self.entries: list[tuple[str, str]] = []  # (slug, updated) in feed order
        self.revision = 0  # part of the feed's ETag: bump to change the feed
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.server = LocalServer({})
        self.server.routes = _Routes(self)

    def __enter__(self) -> "FeedSite":
        self.server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.server.__exit__(*exc)

    @property
    def hits(self) -> list[str]:
        return self.server.hits

    def url(self, path: str) -> str:
        return self.server.url(path)

    def publish(self, slug: str, title: str, topic: str, updated: str = "2025-03-01T10:00:00Z") -> None:
        """Add (or change) a page and list it first in the feed."""
        self.pages[slug] = article_text(title, topic)
        self.entries = [(slug, updated)] + [e for e in self.entries if e[0] != slug]
        self.revision += 1

    def feed_xml(self) -> str:
        items = "".join(f"<item><title>{slug}</title><link>{self.url('/p/' + slug)}</link><guid>{slug}</guid>"
                        f"<pubDate>Sat, 01 Mar 2025 10:00:00 GMT</pubDate><updated>{updated}</updated></item>"
                        for slug, updated in self.entries)
        return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Local</title>{items}</channel></rss>"


class _Routes(dict):
    """Routes computed per request: the feed and every page, with conditional GET."""

    def __init__(self, site: FeedSite) -> None:
        super().__init__()
        self.site = site

    def get(self, path, default=None):
        site = self.site
        if path == "/feed":
            return lambda handler: _answer(site, handler, site.feed_xml(), f'"feed-{site.revision}"', "application/rss+xml")
        slug = path.removeprefix("/p/")
        with site.lock:
            once = site.status_once.pop(slug, None)
        if once is not None:
            return lambda handler: _status(site, handler, once, site.retry_after.get(slug))
        if slug in site.status:
            return lambda handler: _status(site, handler, site.status[slug], site.retry_after.get(slug))
        if slug in site.pages:
            text = site.pages[slug]
            return lambda handler: _answer(site, handler, text, f'"{slug}-{abs(hash(text))}"', "text/plain")
        return default


def _answer(site: FeedSite, handler: BaseHTTPRequestHandler, text: str, etag: str, content_type: str) -> None:
    with site.lock:
        site.in_flight += 1
        site.most_in_flight = max(site.most_in_flight, site.in_flight)
    try:
        time.sleep(site.delay if content_type == "text/plain" else 0)
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        data = text.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", f"{content_type}; charset=utf-8")
        handler.send_header("ETag", etag)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    finally:
        with site.lock:
            site.in_flight -= 1


def _status(site: FeedSite, handler: BaseHTTPRequestHandler, status: int, retry_after: int | None) -> None:
    handler.send_response(status)
    if retry_after is not None:
        handler.send_header("Retry-After", str(retry_after))
    handler.send_header("Content-Length", "0")
    handler.end_headers()
