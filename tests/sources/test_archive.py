"""Feeds and URLs as archives, and polite fetching, over a real feed served on 127.0.0.1."""
from __future__ import annotations

import pytest

from index.app import build_service
from index.settings import Settings
from tests.support.feeds import FeedSite, article_text
from tests.support.http_server import LocalServer, body
from tests.support.chroma_view import live_chroma


def _feed_service(settings: Settings, site: FeedSite, embedder, extra: str = ""):
    settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "feed"\nlocation = "{site.url("/feed")}"\n'
                                     + extra)
    return build_service(settings.model_copy(update={"allow_private_urls": True}), embedder=embedder)


def _titles(service) -> set[str]:
    return {m["title"] for m in live_chroma(service).get(where={"source": "local"}, include=["metadatas"])["metadatas"]}


@pytest.mark.slow  # about 3 s or more here (a --durations run)
def test_entries_that_leave_the_feed_or_fail_once_stay_and_a_gone_page_is_removed(store_settings, fake_embedder):
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        site.publish("harbour", "Harbour dredging", "harbour")
        site.publish("library", "Library hours", "library")
        service = _feed_service(store_settings, site, fake_embedder)
        assert sorted(service.index().added) == ["Bridge reopens", "Harbour dredging", "Library hours"]

        site.entries = [e for e in site.entries if e[0] != "bridge"]  # dropped off the feed
        site.status["bridge"] = 404  # and its page is gone too: never requested, so never noticed
        site.publish("harbour", "Harbour dredging", "harbour", updated="2025-03-02T10:00:00Z")
        site.status["harbour"], site.retry_after["harbour"] = 500, 0  # its entry changed; the page fails
        site.publish("school", "School opens", "school")
        report = service.index()
        assert report.added == ["School opens"] and report.deleted == []
        assert any("HTTP 500" in e.reason and "kept" in e.reason for e in report.errors)
        assert _titles(service) == {"Bridge reopens", "Harbour dredging", "Library hours", "School opens"}
        answer = service.ask("What did the bridge committee agree on?")
        assert not answer.refused and answer.citations[0].title == "Bridge reopens"

        del site.status["harbour"]  # the failed page is fetched again next time, and is fine
        site.publish("library", "Library hours", "library", updated="2025-03-03T10:00:00Z")
        site.status["library"] = 410
        report = service.index()
        assert report.deleted == ["Library hours"] and not report.errors
        assert _titles(service) == {"Bridge reopens", "Harbour dredging", "School opens"}
        status = {s.name: s for s in service.sources()}["local"]
        assert (status.articles, status.oldest, status.newest) == (3, "2025-03-01", "2025-03-01")
        assert status.last_indexed and status.last_error == ""


@pytest.mark.slow
def test_a_second_run_over_an_unchanged_feed_of_200_entries_makes_one_request(tmp_path, fake_embedder):
    settings = Settings(home=tmp_path / "home", sources_file=tmp_path / "sources.toml")
    with FeedSite() as site:
        for i in range(200):
            site.publish(f"a{i}", f"Story {i}", f"topic{i}")
        service = _feed_service(settings, site, fake_embedder)
        first = service.index()
        assert len(first.added) == 200 and len(site.hits) == 201
        site.hits.clear()
        second = service.index()
        assert site.hits == ["/feed"] and not (second.added or second.updated or second.deleted)

        site.hits.clear()  # one new entry: the feed and that page, nothing else
        site.publish("new", "Fresh story", "fresh")
        third = service.index()
        assert third.added == ["Fresh story"] and site.hits == ["/feed", "/p/new"]


def test_backoff_on_429_and_at_most_two_requests_per_host(tmp_path, fake_embedder):
    settings = Settings(home=tmp_path / "home", sources_file=tmp_path / "sources.toml")
    with FeedSite() as site:
        for i in range(8):
            site.publish(f"a{i}", f"Story {i}", f"topic{i}")
        site.status_once["a3"], site.retry_after["a3"] = 429, 1
        site.delay = 0.2  # pages overlap: without the per-host limit, four would be in flight at once
        report = _feed_service(settings, site, fake_embedder).index()
        assert "Story 3" in report.added and len(report.added) == 8 and not report.errors
        assert site.hits.count("/p/a3") == 2  # the 429, then the page after Retry-After
        assert site.most_in_flight == 2


def test_retention_deletes_articles_older_than_the_window(tmp_path, fake_embedder):
    settings = Settings(home=tmp_path / "home", sources_file=tmp_path / "sources.toml")
    with FeedSite() as site:
        site.publish("old", "Old story", "old")  # published 1 March 2025, long before today
        service = _feed_service(settings, site, fake_embedder)
        assert service.index().added == ["Old story"]
        settings.sources_file.write_text(settings.sources_file.read_text() + "retention_days = 30\n")
        site.hits.clear()
        report = service.index()
        assert report.deleted == ["Old story"] and _titles(service) == set()


def test_a_url_source_that_fails_keeps_its_article(tmp_path, fake_embedder):
    text = article_text("Council budget", "budget")
    routes = {"/a": body(text, "text/plain")}
    settings = Settings(home=tmp_path / "home", sources_file=tmp_path / "sources.toml")
    with LocalServer(routes) as server:
        settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "url"\nlocation = "{server.url("/a")}"\n')
        service = build_service(settings.model_copy(update={"allow_private_urls": True}), embedder=fake_embedder)
        assert service.index().added == ["Council budget"]
        routes["/a"] = body("oops", "text/plain", 404)
        report = service.index()
        assert report.deleted == [] and report.errors and _titles(service) == {"Council budget"}
        assert "HTTP 404" in {s.name: s for s in service.sources()}["local"].last_error
        routes["/a"] = body("", "text/plain", 410)
        assert service.index().deleted == ["Council budget"]


def test_a_dead_url_source_is_failing_like_a_dead_feed_and_recovers(tmp_path, fake_embedder):
    routes = {"/a": body(article_text("Council budget", "budget"), "text/plain")}
    settings = Settings(home=tmp_path / "home", sources_file=tmp_path / "sources.toml")
    with LocalServer(routes) as server:
        settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "url"\nlocation = "{server.url("/a")}"\n'
                                         f'[[source]]\nname = "never"\nkind = "url"\nlocation = "{server.url("/b")}"\n')
        service = build_service(settings.model_copy(update={"allow_private_urls": True}), embedder=fake_embedder)
        first = service.index()
        assert first.added == ["Council budget"] and [e.source for e in first.errors] == ["never"]
        ok_since = {h.name: h for h in service.source_health()}["local"].last_success
        routes["/a"] = body("forbidden", "text/plain", 403)
        for _ in range(2):
            assert service.index().errors
        health = {h.name: h for h in service.source_health()}
        assert (health["local"].state, health["local"].last_error_kind) == ("failing", "HTTP 403")
        assert health["local"].last_success == ok_since and "HTTP 403" in health["local"].last_error
        assert (health["never"].state, health["never"].last_error_kind, health["never"].last_success) == (
            "failing", "HTTP 404", "")
        assert {s.name: s.health for s in service.sources()} == {"local": "failing", "never": "failing"}
        assert _titles(service) == {"Council budget"}  # a failed fetch deletes nothing
        routes["/a"] = body(article_text("Council budget", "budget"), "text/plain")
        service.index()
        assert {h.name: h.state for h in service.source_health()}["local"] == "ok"


@pytest.mark.parametrize("text", ['refresh = "5x"', 'retention_days = 0', 'refresh = 30'])
def test_bad_refresh_or_retention_is_one_clear_line(tmp_path, text):
    from index.errors import BadInput
    from index.sources.sources_config import parse_sources

    with pytest.raises(BadInput, match="refresh|retention_days"):
        parse_sources(f'[[source]]\nname = "a"\nkind = "feed"\nlocation = "http://x"\n{text}\n')
