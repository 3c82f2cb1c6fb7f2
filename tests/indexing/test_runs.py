"""index/indexing/runs.py (with index_lock.py) over shared state: with NEWSBOT_DATABASE_URL and a Chroma server
a process's home holds caches only; the database's lock keeps two processes from indexing at once, and a source
another process has just refreshed is not refreshed again."""
from __future__ import annotations

import pytest

from index.app import build_service
from index.errors import IndexBusy
from index.indexing.refresh import Refresher
from index.settings import Settings
from index.types import Scope
from tests.support.feeds import FeedSite
from tests.support.paths import SEEDS


def _settings(tmp_path, home: str, url: str, site: FeedSite, **extra) -> Settings:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n\n'
                       f'[[source]]\nname = "local"\nkind = "feed"\nlocation = "{site.url("/feed")}"\n')
    return Settings(home=tmp_path / home, sources_file=sources, database_url=url, allow_private_urls=True, **extra)


@pytest.mark.slow
def test_a_new_empty_home_loses_nothing_with_postgresql_and_a_chroma_server(tmp_path, postgres, chroma_server,
                                                                           fake_embedder):
    host, port = chroma_server
    url = postgres.new_database()
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        server = {"chroma_host": host, "chroma_port": port, "collection": f"home{abs(hash(url)) % 10**8}"}
        first = build_service(_settings(tmp_path, "a", url, site, **server), embedder=fake_embedder)
        assert first.add_source(site.url("/p/bridge"), "club", scope=Scope.server(1)) == "club"
        report = first.index()
        assert report.added and not report.errors
        before = first.sources(scopes=[Scope.SHARED, Scope.server(1)])
        health = first.source_health(scopes=[Scope.SHARED, Scope.server(1)])
        feed_requests = len(site.hits)

        second = build_service(_settings(tmp_path, "b", url, site, **server), embedder=fake_embedder)
        assert second.sources(scopes=[Scope.SHARED, Scope.server(1)]) == before  # fetch state and run state
        assert second.source_health(scopes=[Scope.SHARED, Scope.server(1)]) == health
        assert [s.name for s in second.sources(scopes=[Scope.server(1)])] == ["club"]
        again = second.index()
        assert again.chunks_embedded == 0 and not again.added and not again.updated and not again.deleted
        # the seeds are read again and found unchanged; the feed and the page answer 304 to their ETags
        assert set(again.unchanged) <= set(report.added) and len(again.unchanged) >= 1
        assert site.hits[feed_requests:].count("/p/bridge") <= 1  # the feed's pages are known: not fetched again
    for home in ("a", "b"):  # caches only
        assert {p.name for p in (tmp_path / home).iterdir()} <= {"lexical", "models"}, home
    assert not second.ask("What did Putin agree to?").refused


def test_the_databases_lock_keeps_a_second_run_out(tmp_path, postgres, fake_embedder):
    url = postgres.new_database()
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        one = build_service(_settings(tmp_path, "a", url, site), embedder=fake_embedder)
        other = build_service(_settings(tmp_path, "b", url, site, collection="news"), embedder=fake_embedder)
        with one.runs.lock():
            with pytest.raises(IndexBusy, match="already running"):
                other.index()  # another home, the same database: the same lock
            with pytest.raises(IndexBusy):
                other.runs.refresh("local")
        assert other.index().added


def test_a_source_another_process_has_just_refreshed_is_not_refreshed_again(tmp_path, postgres, fake_embedder,
                                                                            caplog):
    url = postgres.new_database()
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        one = build_service(_settings(tmp_path, "a", url, site), embedder=fake_embedder)
        other = build_service(_settings(tmp_path, "b", url, site), embedder=fake_embedder)
        [feed] = [spec for spec in one.runs.all_sources() if spec.name == "local"]
        Refresher(one.runs).refresh(feed)
        hits = len(site.hits)
        caplog.set_level("DEBUG", logger="newsbot.refresh")
        second = Refresher(other.runs)
        second.refresh(feed)  # its schedule said due too: the shared fetch state says it was just done
        assert len(site.hits) == hits
        assert "another process refreshed it" in caplog.text and "failed" not in caplog.text
        assert second.schedule.due_at["local"] - second.clock() > feed.refresh_seconds / 2
