"""Refreshing on a schedule: the pure schedule, `index --watch` as a real process, the shared lock."""
from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from index.app import build_service
from index.errors import IndexBusy
from index.indexing.refresh import MAX_BACKOFF_SECONDS, Refresher, Schedule
from index.settings import Settings
from index.sources.sources_config import SourceSpec, load_sources
from tests.support.derived_models import seed_models
from tests.support.feeds import FeedSite
from tests.support.chroma_view import live_chroma

ROOT = Path(__file__).resolve().parents[2]
FEED = SourceSpec("f", "feed", "http://x/feed")  # default: every 60 minutes
HALF_HOUR = SourceSpec("h", "feed", "http://x/h", refresh="30m")
FOLDER = SourceSpec("d", "folder", "d")


def test_schedule_due_times_jitter_and_backoff():
    schedule = Schedule(random.Random(1))
    ages = {"f": None, "h": 600.0}
    schedule.plan([FEED, HALF_HOUR, FOLDER], 0.0, ages.get)
    assert set(schedule.due_at) == {"f", "h"}  # a folder has no schedule unless it asks for one
    assert 0 <= schedule.due_at["f"] <= 360 and 1200 <= schedule.due_at["h"] <= 1200 + 180
    assert schedule.due(360.0) == ["f"] and schedule.due(1200 + 180) == ["f", "h"]
    wait = schedule.done(FEED, 1000.0)
    assert 3600 <= wait <= 3960
    assert 4 * 3600 <= schedule.done(FEED, 1000.0, failures=2) <= 4 * 3600 + 360  # twice as long per failure
    assert schedule.done(FEED, 1000.0, failures=30) <= MAX_BACKOFF_SECONDS + 360
    assert schedule.done(FEED, 1000.0, busy=True) == 60
    schedule.plan([HALF_HOUR], 2000.0, ages.get)  # a removed source leaves the schedule
    assert set(schedule.due_at) == {"h"}


def _feed_settings(tmp_path, site, refresh="5s") -> Settings:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "local"\nkind = "feed"\nlocation = "{site.url("/feed")}"\n'
                       f'refresh = "{refresh}"\n')
    return Settings(home=tmp_path / "home", sources_file=sources, allow_private_urls=True)


@pytest.mark.slow
def test_index_watch_picks_up_a_new_entry_within_two_intervals_and_stops_cleanly(tmp_path):
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        settings = _feed_settings(tmp_path, site)
        seed_models(settings.home)  # derived once for the run (tests/support/derived_models.py)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
        env |= {"NEWSBOT_HOME": str(settings.home), "NEWSBOT_SOURCES": str(settings.sources_file),
                "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "index", "--watch"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
        try:
            first = lines.get(timeout=240)
            assert "refreshed local: 1 added" in first, first
            site.publish("harbour", "Harbour dredging", "harbour")
            after = [lines.get(timeout=120), None]
            if "1 added" not in after[0]:
                after[1] = lines.get(timeout=120)
            assert any(line and "refreshed local: 1 added" in line for line in after), after
        finally:
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "stopped" in err and "Traceback" not in err, err
    service = build_service(settings)
    titles = {m["title"] for m in live_chroma(service).get(include=["metadatas"])["metadatas"]}
    assert titles == {"Bridge reopens", "Harbour dredging"}


@pytest.mark.slow
def test_index_watch_with_nothing_on_a_schedule_says_so_and_exits(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{ROOT / "seeds"}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    env |= {"NEWSBOT_HOME": str(tmp_path / "home"), "NEWSBOT_SOURCES": str(sources)}
    watch = subprocess.run([sys.executable, "-m", "bot.cli", "index", "--watch"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert watch.returncode == 2 and watch.stdout == "" and "Traceback" not in watch.stderr
    assert watch.stderr.startswith("newsbot: nothing to refresh on a schedule:") and "watching" not in watch.stderr
    sources.write_text(sources.read_text() + 'refresh = "1h"\n')  # a folder on a schedule is watched
    with subprocess.Popen([sys.executable, "-m", "bot.cli", "index", "--watch"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        assert "watching the sources" in process.stderr.readline()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 0


def test_a_reindex_during_a_scheduled_refresh_is_busy(tmp_path, fake_embedder):
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        service = build_service(_feed_settings(tmp_path, site), embedder=fake_embedder)
        release, started = threading.Event(), threading.Event()
        original = site.server.routes.get

        def held(path, default=None):  # the page answers only once the test has tried its /reindex
            route = original(path, default)
            if path != "/p/bridge":
                return route
            return lambda handler: (started.set(), release.wait(60), route(handler))
        site.server.routes.get = held
        refresher = Refresher(service.runs)
        spec = load_sources(service.settings.sources_file)[0]
        worker = threading.Thread(target=refresher.refresh, args=(spec,))
        worker.start()
        try:
            assert started.wait(120)
            with pytest.raises(IndexBusy, match="already running"):
                service.index()
        finally:
            release.set()
            worker.join(120)
        assert [s.articles for s in service.sources()] == [1]


@pytest.mark.slow
def test_two_processes_on_one_chroma_server_do_not_index_at_once(tmp_path, chroma_server):
    host, port = chroma_server
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    env |= {"NEWSBOT_CHROMA_HOST": host, "NEWSBOT_CHROMA_PORT": str(port), "NEWSBOT_COLLECTION": "leasetest"}
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom index.app import build_service\nfrom index.settings import Settings\n"
         "from index.store.lease import ChromaLease\nservice = build_service(Settings())\nwith ChromaLease(service.store).hold():\n    print('held', flush=True)\n"
         "    sys.stdin.readline()\nprint('released', flush=True)\n"],
        cwd=ROOT, env=env | {"NEWSBOT_HOME": str(tmp_path / "a")}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held", holder.stderr.read() if holder.poll() is not None else ""
        other = subprocess.run([sys.executable, "-m", "bot.cli", "index"], cwd=ROOT, capture_output=True, text=True,
                               env=env | {"NEWSBOT_HOME": str(tmp_path / "b")}, timeout=300)
        assert other.returncode == 1 and "already running" in other.stderr and "Traceback" not in other.stderr
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        holder.wait(60)
    again = subprocess.run([sys.executable, "-m", "bot.cli", "index"], cwd=ROOT, capture_output=True, text=True,
                           env=env | {"NEWSBOT_HOME": str(tmp_path / "b")}, timeout=300)
    assert again.returncode == 0, again.stderr


class _BuggyOnce:
    """The real index runs, except that the first call of `method` raises what nobody foresaw (a bug)."""

    def __init__(self, runs, method: str) -> None:
        self.runs, self.method, self.raised = runs, method, False
        self.fetch_state = runs.fetch_state

    def _maybe_raise(self, method: str) -> None:
        if method == self.method and not self.raised:
            self.raised = True
            raise RuntimeError("a bug")

    def all_sources(self):
        self._maybe_raise("all_sources")
        return self.runs.all_sources()

    def refresh(self, qualified, fresh_for=0.0):
        self._maybe_raise("refresh")
        return self.runs.refresh(qualified, fresh_for)


def test_a_refresh_that_fails_unexpectedly_is_logged_and_backed_off(tmp_path, fake_embedder, caplog):
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        service = build_service(_feed_settings(tmp_path, site), embedder=fake_embedder)
        refresher = Refresher(_BuggyOnce(service.runs, "refresh"))
        spec = service.runs.all_sources()[0]
        before = refresher.clock()
        refresher.refresh(spec)  # raises nothing
        assert any(r.exc_info and "failed unexpectedly" in r.getMessage() for r in caplog.records), caplog.text
        assert refresher.schedule.due_at[spec.name] >= before + 2 * 5  # backed off as a failure: twice its 5 s
        refresher.refresh(spec)
        assert [s.articles for s in service.sources()] == [1]


def test_the_schedule_goes_on_after_a_round_that_failed_unexpectedly(tmp_path, fake_embedder, caplog, monkeypatch):
    import index.indexing.refresh as refresh_module

    monkeypatch.setattr(refresh_module, "IDLE_SECONDS", 0.1)  # the pause after a failed round
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        service = build_service(_feed_settings(tmp_path, site), embedder=fake_embedder)
        with refresh_module.background_refresh(_BuggyOnce(service.runs, "all_sources")):
            for _ in range(1200):
                if [s.articles for s in service.sources()] == [1]:
                    break
                threading.Event().wait(0.1)
        assert [s.articles for s in service.sources()] == [1]
        assert "a refresh round failed" in caplog.text and "the refresh schedule stopped" not in caplog.text
