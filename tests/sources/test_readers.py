"""Sources read over real HTTP from 127.0.0.1 and from disk, including broken and hostile ones."""
import json
import os

import pytest

from index.errors import SourceError
from index.sources.fetch import check_public_url, fetch
from index.sources.readers import read_source
from index.sources.sources_config import SourceSpec
from tests.support.html_pages import PARAGRAPH, page
from tests.support.http_server import LocalServer, body, endless, redirect, slow


def feed(server: LocalServer, paths: list[str]) -> str:
    items = "".join(f"<item><title>Item {p}</title><link>{server.url(p)}</link>"
                    f"<pubDate>Sat, 01 Mar 2025 10:00:00 GMT</pubDate></item>" for p in paths)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Local</title>{items}</channel></rss>"


def read(spec, tmp_path, **overrides):
    options = {"timeout": 3.0, "max_bytes": 1_000_000, "allow_private": True} | overrides
    return read_source(spec, tmp_path, **options)


def test_url_source_extracts_text_and_metadata(tmp_path):
    with LocalServer({"/a": body(page("Budget approved"))}) as server:
        articles, errors = read(SourceSpec("s", "url", server.url("/a")), tmp_path)
    assert errors == [] and len(articles) == 1
    article = articles[0]
    assert article.title == "Budget approved" and article.outlet == "Daily Local"
    assert article.authors == ("Ann Lee",) and article.published == "2025-03-01"
    assert "city council approved" in article.text and "Copyright" not in article.text


def test_feed_fetches_each_entry_and_reports_bad_ones(tmp_path):
    routes = {"/1": body(page("First story")), "/2": body(page("Second story")),
              "/pdf": body(b"%PDF-1.4 binary", "application/pdf"), "/gone": body("no", "text/plain", 404)}
    with LocalServer(routes) as server:
        server.routes["/feed"] = body(feed(server, ["/1", "/2", "/pdf", "/gone"]), "application/rss+xml")
        articles, errors = read(SourceSpec("f", "feed", server.url("/feed")), tmp_path)
    assert sorted(a.title for a in articles) == ["First story", "Second story"]
    reasons = {e.item.rsplit("/", 1)[1]: e.reason for e in errors}
    assert "application/pdf" in reasons["pdf"] and "HTTP 404" in reasons["gone"]


def test_feed_keeps_only_the_newest_max_items(tmp_path):
    routes = {f"/{i}": body(page(f"Story {i}")) for i in range(5)}
    with LocalServer(routes) as server:
        server.routes["/feed"] = body(feed(server, [f"/{i}" for i in range(5)]), "application/rss+xml")
        articles, _ = read(SourceSpec("f", "feed", server.url("/feed"), max_items=2), tmp_path)
        assert len(articles) == 2 and server.hits.count("/4") == 0


def test_malformed_feed_fails_the_source_clearly(tmp_path):
    with LocalServer({"/feed": body("<rss><channel><item><title>broken", "application/rss+xml")}) as server:
        with pytest.raises(SourceError, match="malformed feed|not an RSS"):
            read(SourceSpec("f", "feed", server.url("/feed")), tmp_path)


@pytest.mark.parametrize("route, message", [
    (body("down", "text/plain", 500), "HTTP 500"),
    (body(b"\x89PNG\r\n\x1a\n", "image/png"), "image/png"),
    (slow(5), "timed out"),
    (endless(), "byte limit"),
])
def test_bad_pages_fail_with_a_bounded_clear_error(tmp_path, route, message):
    with LocalServer({"/x": route}) as server:
        with pytest.raises(SourceError, match=message):
            read(SourceSpec("u", "url", server.url("/x")), tmp_path, timeout=1.0)


def test_redirect_loops_stop(tmp_path):
    with LocalServer({}) as server:
        server.routes["/a"] = redirect(server.url("/b"))
        server.routes["/b"] = redirect(server.url("/a"))
        with pytest.raises(SourceError, match="redirects"):
            read(SourceSpec("u", "url", server.url("/a")), tmp_path)


def test_non_utf8_pages_are_decoded(tmp_path):
    html = page("Café prices rise", "Le café coûte plus cher à Paris depuis lundi, disent les commerçants. " * 5)
    with LocalServer({"/l1": body(html.encode("latin-1"), "text/html; charset=iso-8859-1")}) as server:
        articles, _ = read(SourceSpec("u", "url", server.url("/l1")), tmp_path)
    assert "Café" in articles[0].title and "coûte" in articles[0].text


def test_private_addresses_are_refused_unless_allowed():
    with pytest.raises(SourceError, match="private or local"):
        check_public_url("http://127.0.0.1:9/x", allow_private=False)
    with pytest.raises(SourceError, match="not an http"):
        check_public_url("file:///etc/passwd", allow_private=True)
    with pytest.raises(SourceError, match="private or local"):
        fetch("http://localhost:9/", timeout=1, max_bytes=10, allow_private=False)


def test_folder_skips_binary_files_and_links_outside(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "good.md").write_text("# Good title\n\n" + PARAGRAPH, encoding="utf-8")
    (folder / "page.html").write_text(page("Html title"), encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "ignored.pdf").write_bytes(b"%PDF")
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret title\n\n" + PARAGRAPH)
    os.symlink(secret, folder / "link.txt")
    articles, errors = read(SourceSpec("n", "folder", str(folder)), tmp_path)
    assert sorted(a.title for a in articles) == ["Good title", "Html title"]
    assert {e.item: e.reason for e in errors} == {"binary.txt": "binary data, not text",
                                                  "link.txt": "a link that points outside the source folder"}


@pytest.mark.parametrize("name, hint", [("story.txt", ""), ("news.jsonl", 'kind = "jsonl" reads')])
def test_a_folder_source_that_is_a_file_says_so(tmp_path, name, hint):
    (tmp_path / name).write_text("Title\n\n" + PARAGRAPH, encoding="utf-8")
    with pytest.raises(SourceError, match="is a file, not a folder") as refused:
        read(SourceSpec("n", "folder", str(tmp_path / name)), tmp_path)
    assert "not found" not in str(refused.value) and hint in str(refused.value)
    with pytest.raises(SourceError, match="folder not found"):
        read(SourceSpec("n", "folder", str(tmp_path / "missing")), tmp_path)


def test_jsonl_reads_good_lines_and_reports_bad_ones(tmp_path):
    path = tmp_path / "a.jsonl"
    good = {"url": "https://x.org/1", "title": "T1", "authors": ["A"], "published": "2025-01-03", "text": PARAGRAPH}
    path.write_text(json.dumps(good) + "\n{broken\n" + json.dumps({"title": "no text"}) + "\n")
    articles, errors = read(SourceSpec("j", "jsonl", str(path)), tmp_path)
    assert [a.title for a in articles] == ["T1"] and articles[0].outlet == "x.org"
    assert [e.item for e in errors] == ["line 2", "line 3"]


@pytest.mark.slow
def test_a_feed_of_ten_thousand_entries_fetches_only_max_items(tmp_path):
    routes = {f"/{i}": body(page(f"Story {i}")) for i in range(5)}
    with LocalServer(routes) as server:
        server.routes["/feed"] = body(feed(server, [f"/{i}" for i in range(10_000)]), "application/rss+xml")
        articles, errors = read(SourceSpec("f", "feed", server.url("/feed"), max_items=5), tmp_path,
                                max_bytes=5_000_000)
        hits = list(server.hits)
    assert errors == [] and len(articles) == 5
    assert hits[0] == "/feed" and len(hits) == 6  # the feed, then five pages: the other 9,995 never fetched


def test_a_200_mb_body_is_refused_without_downloading_it(tmp_path):
    sent = []

    def huge(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(200_000_000))
        handler.end_headers()
        chunk = b"x" * 1_000_000
        try:
            for _ in range(200):
                handler.wfile.write(chunk)
                sent.append(len(chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass

    with LocalServer({"/big": huge}) as server:
        with pytest.raises(SourceError, match="200000000 bytes is over"):
            read(SourceSpec("u", "url", server.url("/big")), tmp_path, max_bytes=10_000_000)
    assert sum(sent) < 200_000_000
