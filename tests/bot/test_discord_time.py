"""/ask with since:, and the background refresh keeping /ask answered while it holds the index lock."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from index.app import build_service
from index.errors import IndexBusy
from index.indexing.refresh import Refresher
from index.settings import Settings
from index.sources.sources_config import load_sources
from tests.support.derived_models import seed_models
from tests.support.discord_helpers import assert_never_pings, finished, is_ephemeral, text_of
from tests.support.fake_discord import FakeDiscord
from tests.support.feeds import FeedSite

SEED_TITLE = "After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure targets"


def test_ask_since_leaves_older_articles_out(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        plain = await fake.slash("ask", {"question": "What did Putin agree to?"})
        await finished(fake, plain)
        assert SEED_TITLE in text_of(plain.followups[0])
        later = await fake.slash("ask", {"question": "What did Putin agree to?", "since": "2025-03-20"})
        await finished(fake, later)
        assert SEED_TITLE not in text_of(later.followups[0])  # published 19 March
        bad = await fake.slash("ask", {"question": "What did Putin agree to?", "since": "soonish"})
        await fake.wait_for(lambda: bad.acks or bad.followups)
        assert "I can't read since:" in str(bad.acks + bad.followups)
        assert_never_pings(fake)
    run_bot_scenario(scenario)


@pytest.mark.slow
def test_ask_is_answered_while_a_scheduled_refresh_runs(run_bot_scenario, tmp_path):
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens", "bridge")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "local"\nkind = "feed"\nlocation = "{site.url("/feed")}"\n'
                           'refresh = "5s"\n')
        seed_models(tmp_path / "home")  # the derived model graph, derived once for the run
        service = build_service(Settings(home=tmp_path / "home", sources_file=sources, allow_private_urls=True))
        service.index()
        time.sleep(2.6)  # the refresh is due: half its interval has passed (a fresher source is skipped, as
        # another process would have refreshed it just now: index/indexing/refresh.py)
        release, started = threading.Event(), threading.Event()
        original = site.server.routes.get

        def held(path, default=None):  # the new page answers only when the test says so
            route = original(path, default)
            if path != "/p/harbour":
                return route
            return lambda handler: (started.set(), release.wait(60), route(handler))
        site.server.routes.get = held
        site.publish("harbour", "Harbour dredging", "harbour")
        refresh = threading.Thread(target=Refresher(service.runs).refresh, args=(load_sources(sources)[0],))

        async def scenario(fake: FakeDiscord, bot):
            refresh.start()
            assert await asyncio.to_thread(started.wait, 60)
            inter = await fake.slash("ask", {"question": "What did the bridge committee agree on?"})
            await finished(fake, inter)
            assert "Bridge reopens" in text_of(inter.followups[0]) and not is_ephemeral(inter.followups[0])
            # the shared sources' re-index (`newsbot index`; a server's /reindex covers only its own sources,
            # and meets the same lock: tests/bot/test_discord_admin.py) is refused, not a second run
            with pytest.raises(IndexBusy, match="already running"):
                service.index()
            release.set()
            await asyncio.to_thread(refresh.join, 60)
        try:
            run_bot_scenario(scenario, svc=service)
        finally:
            release.set()
    assert {s.name: s.articles for s in service.sources()} == {"local": 2}
