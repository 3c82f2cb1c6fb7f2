"""Several `newsbot run` processes, one truth: real PostgreSQL, a real `chroma run`, two real bot processes
holding different gateway shards (each with its own empty home) on the fake Discord with four servers.

Every server's work is done once: a question is answered by the process holding its server, every new feed
entry is posted once per channel and every follow's DM sent once (also after a `kill -9` of a process while
it posts, restarted with a new empty home), a server's own source survives that, and every digest schedule
fires once. The processes load the real default model themselves; the feed is indexed once beforehand.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.cli_process import newsbot
from tests.support.derived_models import seed_models
from tests.support.discord_helpers import text_of
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord
from tests.support.fake_discord_gateway import shard_of
from tests.support.fake_in_thread import FakeInThread
from tests.support.feeds import FeedSite
from tests.support.newsbot_on_fake import DIGEST_CHECK_VARIABLE, PORT_VARIABLE, BotProcess

pytestmark = pytest.mark.slow
ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
SHARDS = 2
FIRST = [("harbour-strike-ends", "Harbour strike ends after a week", "harbour"),
         ("library-opens-late", "Library opens late on Fridays", "library")]
LATER = [("harbour-cranes-return", "Harbour cranes return to work", "harbour"),
         ("tram-line-extended", "Tram line extended to the hospital", "tram"),
         ("harbour-pay-deal", "Harbour pay deal signed by the union", "harbour")]


def _slot_minute() -> str:
    """A digest time a minute or two ahead (never the minute now, which would be tomorrow's slot)."""
    now = datetime.now(timezone.utc)
    ahead = now + timedelta(minutes=2 if now.second > 40 else 1)
    return ahead.strftime("%H:%M")


@pytest.fixture(scope="module")
def deployment(postgres, chroma_server, tmp_path_factory):
    """The fake Discord (4 servers on 2 shards), the feed, the shared database and Chroma, two processes."""
    root = tmp_path_factory.mktemp("processes")
    with FeedSite() as site, FeedSite() as local, FakeInThread(FakeDiscord(servers=4, shards=SHARDS)) as fake:
        for slug, title, topic in FIRST:
            site.publish(slug, title, topic)
        local.publish("bakery-wins-prize", "Bakery wins a prize", "bakery")  # a server's own source
        sources = root / "sources.toml"
        sources.write_text(f'[[source]]\nname = "wire"\nkind = "feed"\nlocation = "{site.url("/feed")}"\n'
                           'refresh = "5s"\n')
        host, port = chroma_server
        env = {"DISCORD_TOKEN": "fake-token", "NEWSBOT_DATABASE_URL": postgres.new_database(),
               "NEWSBOT_CHROMA_HOST": host, "NEWSBOT_CHROMA_PORT": str(port),
               "NEWSBOT_COLLECTION": f"p{uuid.uuid4().hex[:10]}", "NEWSBOT_SOURCES": str(sources),
               "NEWSBOT_ALLOW_PRIVATE_URLS": "1", "NEWSBOT_SHARD_COUNT": str(SHARDS), "HF_HUB_OFFLINE": "1",
               "ANONYMIZED_TELEMETRY": "False", PORT_VARIABLE: str(fake.port),
               DIGEST_CHECK_VARIABLE: "5"}  # the schedules are looked at every 5 s, not every minute
        indexed = newsbot("index", home=root / "indexer", env=env)
        assert indexed.returncode == 0, indexed.stderr
        for i in range(SHARDS):
            seed_models(root / f"home{i}")  # the derived model graph, derived once for the run
        bots = [BotProcess(f"shard{i}", env | {"NEWSBOT_HOME": str(root / f"home{i}"), "NEWSBOT_SHARD_IDS": str(i)},
                           root).start() for i in range(SHARDS)]
        try:
            for bot in bots:
                bot.wait_log("connected as")
            fake.wait(lambda f: f.connected_shards() == set(range(SHARDS)))
            yield fake, site, local, bots, root
        finally:
            for bot in bots:
                bot.stop()
        assert fake.read(lambda f: f.rejections) == []


def _slash(fake: FakeInThread, name: str, options: dict | None = None, **kwargs):
    inter = fake.run(fake.fake.slash(name, options, **kwargs))
    fake.wait(lambda f: inter.acks, 60)
    return inter


def _answered(fake: FakeInThread, inter, timeout: float = 90) -> str:
    fake.wait(lambda f: any(text_of(m) for m in inter.followups) or (inter.acks[0][1] == 4), timeout)
    return fake.read(lambda f: "\n".join(text_of(m) for m in inter.visible_messages()))


def _shows(message: dict, slug: str) -> bool:
    return f"/p/{slug}" in json.dumps(message)


def _count(f: FakeDiscord, channel_id: str | None, slug: str) -> int:
    """How many of the bot's messages in a channel show the entry `slug` (on the fake's loop)."""
    return sum(_shows(m, slug) for m in f.bot_messages(channel_id)) if channel_id else 0


def _dm(f: FakeDiscord, user: str) -> str | None:
    return f.dm_channels.get(f.users[user]["id"])


def test_every_server_is_answered_once_by_the_process_holding_it(deployment):
    fake, _, _, bots, _ = deployment
    servers = fake.fake.guild_ids
    assert {shard_of(g, SHARDS) for g in servers} == {0, 1}
    for guild in servers:
        channel = fake.fake.server_channels[guild]
        inter = _slash(fake, "ask", {"question": "How did the harbour strike end?"}, channel_id=channel)
        assert "harbour" in _answered(fake, inter).lower()
        assert inter.rejected_acks == 0 and len(inter.acks) == 1
    for guild in servers:
        when = _slot_minute()
        made = _slash(fake, "digest", {"time": when}, sub="schedule", permissions=ADMIN,
                      channel_id=fake.fake.server_channels[guild])
        assert "scheduled" in text_of(made.acks[0][2]), made.acks
    now = _slash(fake, "digest", sub="now", channel_id=fake.fake.channel_id)
    assert "digest" in _answered(fake, now).lower() and now.rejected_acks == 0


def test_new_entries_and_follows_are_posted_once_also_after_a_kill_9(deployment, tmp_path):
    fake, site, local, bots, root = deployment
    servers, channels = fake.fake.guild_ids, fake.fake.server_channels
    for guild in servers:
        made = _slash(fake, "feed", {"source": "wire"}, sub="post", permissions=ADMIN,
                      channel_id=channels[guild], channels={"channel": channels[guild]})
        assert "will be posted" in text_of(made.acks[0][2]), made.acks
    follows = {"alice": servers[0], "bob": servers[1]}  # one server of each shard
    for user, guild in follows.items():
        made = _slash(fake, "follow", {"topic": "harbour"}, sub="add", user=user, channel_id=channels[guild])
        assert made.acks[0][1] == 4, made.acks
    own = _slash(fake, "source", {"location": local.url("/feed"), "name": "local"}, sub="add",
                 permissions=ADMIN, channel_id=channels[servers[1]])
    _answered(fake, own)

    site.publish(*LATER[0])
    fake.wait(lambda f: all(_count(f, channels[g], LATER[0][0]) for g in servers), 90)
    victim = bots[1]  # holds servers 1 and 3
    site.publish(*LATER[1])
    site.publish(*LATER[2])
    fake.wait(lambda f: any(_shows(m, LATER[1][0]) or _shows(m, LATER[2][0])
                            for g in servers if shard_of(g, SHARDS) == 1 for m in f.bot_messages(channels[g])), 90)
    victim.kill()  # while it posts the new entries of its servers
    victim.env = victim.env | {"NEWSBOT_HOME": str(tmp_path / "new-empty-home")}
    seed_models(tmp_path / "new-empty-home")  # empty of state: a model cache only (tests/support/derived_models.py)
    victim.start().wait_log("connected as")

    for slug, _, _ in LATER:
        fake.wait(lambda f: all(_count(f, channels[g], slug) for g in servers), 120)
    for slug in (LATER[0][0], LATER[2][0]):  # the harbour entries reach both follows
        fake.wait(lambda f: all(_count(f, _dm(f, user), slug) for user in follows), 90)
    time.sleep(8)  # a refresh and two relay rounds more: nothing comes twice
    for guild in servers:
        assert fake.read(lambda f: [_count(f, channels[guild], s) for s, _, _ in LATER]) == [1, 1, 1], guild
        assert fake.read(lambda f: [_count(f, channels[guild], s) for s, _, _ in FIRST]) == [0, 0]  # before /feed
    for user in follows:
        assert fake.read(lambda f: [_count(f, _dm(f, user), s) for s, _, _ in LATER]) == [1, 0, 1], user

    listing = _slash(fake, "sources", channel_id=channels[servers[1]])  # its process restarted on a new home
    assert "local" in _answered(fake, listing)


def test_every_digest_schedule_fires_once(deployment):
    fake, _, _, bots, _ = deployment
    channels = fake.fake.server_channels

    def digests(f: FakeDiscord, guild: str) -> int:
        return sum("digest" in (m.get("content") or "").lower() for m in f.bot_messages(channels[guild]))

    fake.wait(lambda f: all(digests(f, g) for g in f.guild_ids), 150)
    time.sleep(5)
    assert fake.read(lambda f: [digests(f, g) for g in f.guild_ids]) == [1, 1, 1, 1]
    assert all(bot.alive() for bot in bots)
