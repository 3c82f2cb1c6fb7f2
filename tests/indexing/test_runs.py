"""index/indexing/runs.py (with index_lock.py) over shared state: with NEWSBOT_DATABASE_URL and a Chroma server
a process's home holds caches only; the database's lock keeps two processes from indexing at once, and a source
another process has just refreshed is not refreshed again."""
from __future__ import annotations

import pytest

from index.app import build_service
from index.errors import IndexBusy, StoreUnavailable
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


def test_a_database_that_cannot_be_reached_at_start_up_is_one_line(tmp_path, fake_embedder):
    from tests.support.ports import free_port

    settings = Settings(home=tmp_path / "home", database_url=f"postgresql://newsbot:secret@127.0.0.1:{free_port()}/x")
    with pytest.raises(StoreUnavailable) as raised:
        build_service(settings, embedder=fake_embedder)
    assert "\n" not in str(raised.value) and "secret" not in str(raised.value) and "cannot reach" in str(raised.value)


@pytest.mark.slow
def test_questions_are_answered_during_an_outage_of_the_database(tmp_path, postgres, fake_embedder, caplog):
    url = postgres.new_database()
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        service = build_service(_settings(tmp_path, "a", url, site), embedder=fake_embedder)
        service.index()
        refresher = Refresher(service.runs)
        postgres.stop()
        try:
            assert not service.ask("What did Putin agree to?").refused  # Chroma and the BM25 cache only
            with pytest.raises(StoreUnavailable):
                service.index()
            assert refresher.run_due() == []  # the servers' sources cannot be read: a warning, the schedule lives on
        finally:
            postgres.start()
        assert "cannot read the sources" in caplog.text and "Traceback" not in caplog.text
        caplog.clear()
        assert refresher.run_due() == [] and not caplog.text  # back: planned from the shared fetch state again
        assert "local" in refresher.schedule.due_at
        assert service.index().unchanged  # the next call connects again
