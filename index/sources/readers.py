"""Reading articles out of sources: folders, single URLs, RSS/Atom feeds and JSON-lines files.

Each reader returns the articles it could read and one `ItemError` per item it could not, so one bad
file or entry never stops the rest of a source.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable

from index.sources.articles import article_id, normalize_date, outlet_from_url, parse_plain_article
from index.errors import SourceError
from index.sources.fetch import Fetched, fetch
from index.sources.item_guard import clean_article, read_each
from index.sources.sources_config import SourceSpec
from index.types import Article, ItemError

log = logging.getLogger(__name__)

FOLDER_SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_FILE_BYTES = 5_000_000
MIN_ARTICLE_CHARS = 40

Fetcher = Callable[[str], Fetched]


def decode_text(data: bytes, declared: str = "") -> str:
    """Decode bytes as text: the declared charset, else UTF-8, else cp1252; refuse binary data."""
    if b"\x00" in data[:8192]:
        raise SourceError("binary data, not text")
    text = next((t for t in map(partial(_decoded, data), (declared, "utf-8", "cp1252")) if t is not None), None)
    text = data.decode("latin-1") if text is None else text
    if looks_binary(text):
        raise SourceError("binary data, not text")
    return text


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding) if encoding else None
    except (UnicodeDecodeError, LookupError):
        return None


def looks_binary(text: str, sample: int = 8192) -> bool:
    """True when more than 10% of the first `sample` characters are control characters other than
    whitespace: random bytes decode (as latin-1) to about 24% of them, text to next to none (a few
    terminal escapes in an article are removed later, they do not make it binary)."""
    head = text[:sample]
    controls = sum(1 for ch in head if ch < " " and ch not in "\t\n\r\f" or "\x7f" <= ch <= "\x9f")
    return controls > max(8, len(head) // 10)


def article_from_html(html: str | bytes, *, source: str, url: str, key: str) -> Article:
    """Extract an article's text and metadata from an HTML page with trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise SourceError("no article text found in the page")
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Article(
        id=article_id(url or key), source=source, title=(doc.title or "").strip() or "(untitled)",
        text=doc.text.strip(), url=url, outlet=(doc.sitename or "").strip() or outlet_from_url(url),
        authors=authors, published=normalize_date(doc.date),
    )


def read_folder(spec: SourceSpec, folder: Path) -> tuple[list[Article], list[ItemError]]:
    """Articles from the .txt/.md/.html files under `folder`; links that leave the folder are skipped."""
    if folder.is_file():
        hint = ' (kind = "jsonl" reads a JSON-lines file)' if folder.suffix.lower() == ".jsonl" else ""
        raise SourceError(f"source {spec.name!r}: {folder} is a file, not a folder; kind = \"folder\" reads "
                          f"the articles in a folder{hint}")
    if not folder.is_dir():
        raise SourceError(f"source {spec.name!r}: folder not found: {folder}")
    root = folder.resolve()
    files = [p for p in sorted(folder.rglob("*")) if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file()]

    def read_file(path: Path) -> Article:
        if not path.resolve().is_relative_to(root):
            raise SourceError("a link that points outside the source folder")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(f"file larger than {MAX_FILE_BYTES} bytes")
        text = decode_text(path.read_bytes())
        key = f"{spec.name}/{path.relative_to(folder).as_posix()}"
        if path.suffix.lower() in (".html", ".htm"):
            return _checked(article_from_html(text, source=spec.name, url="", key=key))
        return _checked(parse_plain_article(text, source=spec.name, key=key))

    return read_each(spec.name, files, lambda p: p.relative_to(folder).as_posix(), read_file)


def read_url(spec: SourceSpec, fetcher: Fetcher) -> tuple[list[Article], list[ItemError]]:
    """One article from one page; a page that cannot be read fails the source."""
    return [_checked(_article_at(spec.location, spec.name, fetcher))], []


def read_feed(spec: SourceSpec, fetcher: Fetcher) -> tuple[list[Article], list[ItemError]]:
    """Each entry's link of an RSS/Atom feed, fetched as an article (the newest `max_items`)."""
    import feedparser

    fetched = fetcher(spec.location)
    feed = feedparser.parse(fetched.body)
    if feed.bozo and not any(entry.get("link") for entry in feed.entries):
        raise SourceError(f"source {spec.name!r}: malformed feed: {feed.get('bozo_exception', 'unreadable')}")
    if not feed.entries and not feed.feed.get("title"):
        raise SourceError(f"source {spec.name!r}: {spec.location} is not an RSS or Atom feed")

    def read_entry(entry) -> Article:
        link = entry.get("link", "")
        if not link:
            raise SourceError("entry has no link")
        article = _article_at(link, spec.name, fetcher)
        if not article.published:
            article = replace(article, published=normalize_date(entry.get("published") or entry.get("updated")))
        return _checked(article)

    return read_each(spec.name, feed.entries[: spec.max_items],
                     lambda entry: entry.get("link") or entry.get("title") or "?", read_entry)


def article_from_row(row: dict, source: str, fallback_key: str) -> Article:
    """An Article from one JSON object with fields url, title, authors, published, text."""
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise SourceError("not an object with a text field")
    url = str(row.get("url") or "")
    authors = row.get("authors") or ()
    return _checked(Article(
        id=article_id(url or fallback_key), source=source,
        title=str(row.get("title") or "").strip() or "(untitled)", text=row["text"].strip(), url=url,
        outlet=str(row.get("outlet") or "") or outlet_from_url(url),
        authors=tuple(str(a) for a in authors) if isinstance(authors, list) else (str(authors),),
        published=normalize_date(row.get("published")),
    ))


def read_jsonl(spec: SourceSpec, path: Path) -> tuple[list[Article], list[ItemError]]:
    """Articles from a JSON-lines file with fields url, title, authors, published, text."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"source {spec.name!r}: cannot open {path}: {exc.strerror}") from None
    with handle:
        lines = ((number, raw) for number, raw in enumerate(handle, start=1) if raw.strip())
        return read_each(spec.name, lines, lambda line: f"line {line[0]}", lambda line: article_from_row(
            _json_line(line[1]), spec.name, f"{spec.name}/{line[0]}"))


def _json_line(raw: bytes) -> object:
    try:
        return json.loads(decode_text(raw))
    except json.JSONDecodeError as exc:
        raise SourceError(f"unreadable: {exc}") from None


def _article_at(url: str, source: str, fetcher: Fetcher) -> Article:
    fetched = fetcher(url)
    kind = fetched.content_type
    if kind and not (kind.startswith("text/") or "html" in kind or "xml" in kind):
        raise SourceError(f"{url}: not an article page (content type {kind})")
    if kind == "text/plain":
        return parse_plain_article(decode_text(fetched.body), source=source, key=url, url=url)
    return article_from_html(decode_text(fetched.body), source=source, url=url, key=url)


def _checked(article: Article) -> Article:
    article = clean_article(article)  # before measuring: control characters are not text
    if len(article.text) < MIN_ARTICLE_CHARS:
        raise SourceError(f"too little text ({len(article.text)} characters) to be an article")
    return article


def read_source(spec: SourceSpec, config_dir: Path, *, timeout: float, max_bytes: int,
                allow_private: bool) -> tuple[list[Article], list[ItemError]]:
    """Read every article of one source. Raises SourceError only when the whole source is unusable."""
    location = spec.resolved_location(config_dir)

    def fetcher(url: str) -> Fetched:
        return fetch(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)

    if spec.kind == "folder":
        articles, errors = read_folder(spec, Path(location))
    elif spec.kind == "jsonl":
        articles, errors = read_jsonl(spec, Path(location))
    elif spec.kind == "url":
        articles, errors = read_url(spec, fetcher)
    else:
        articles, errors = read_feed(spec, fetcher)
    return _dedupe(articles), errors


def _dedupe(articles: list[Article]) -> list[Article]:
    """One article per id (a feed may list a link twice; a folder may hold a copy): the first wins."""
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.id, article)
    return list(seen.values())


def article_from_fetched(fetched: Fetched, url: str, source: str) -> Article:
    """The article in a page already fetched from `url`, checked like every other article."""
    return _checked(_article_at(url, source, lambda _url: fetched))
