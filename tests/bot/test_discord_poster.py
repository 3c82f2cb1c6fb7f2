"""The channel poster (bot/discord/push/poster.py) against the fake Discord: 5 messages per 5 s per channel
(queued, never dropped; a fake clock, no timing), a missing permission told in one line with its name,
and nothing posted twice, after a restart or a crash between Discord's answer and the ledger's write."""
from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing

from bot.discord.push.poster import Outgoing, Pace, Target
from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import assert_never_pings, text_of
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_discord_posting import EMBED_LINKS, SEND_MESSAGES

OWNER = 500000000000000001  # alice


class FakeClock:
    """Time that moves only when the poster sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sends: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def until(predicate, timeout: float = 10.0) -> None:
    """Wait for a gateway event to reach the client's cache (no REST request to wait on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "the client never saw the change"
        await asyncio.sleep(0.01)


class RecordingPace(Pace):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    def record(self, channel: str, now: float) -> None:
        self.clock.sends.append(now)
        super().record(channel, now)


def test_the_process_keeps_to_its_share_of_discords_global_limit():
    from bot.discord.push.pace import GLOBAL_POSTS_PER_SECOND, share_of_global

    assert share_of_global(0, None) == GLOBAL_POSTS_PER_SECOND  # one process, every shard
    assert share_of_global(2, 4) == GLOBAL_POSTS_PER_SECOND // 2 and share_of_global(1, 1000) == 1
    pace = Pace(per_second=3)
    assert [pace.reserve(f"c{i}", 10.0) for i in range(3)] == [0.0, 0.0, 0.0]  # three channels at once
    assert abs(pace.reserve("c9", 10.2) - 0.8) < 1e-9  # a fourth waits for the second to end ...
    assert pace.reserve("c9", 11.0) == 0.0  # ... and goes then
    assert sum(pace.reserve(f"d{i}", 11.5) == 0.0 for i in range(5)) == 2  # in any second, at most three


def test_pace_allows_five_per_window():
    pace = Pace()
    for i in range(5):
        assert pace.delay("c", 10.0 + i * 0.1) == 0.0
        pace.record("c", 10.0 + i * 0.1)
    assert abs(pace.delay("c", 10.5) - 4.5) < 1e-9
    assert pace.delay("other", 10.5) == 0.0
    assert pace.delay("c", 15.0) == 0.0


def test_twelve_posts_queue_at_five_per_five_seconds_and_none_is_dropped(service, feedback, tmp_path):
    async def main() -> None:
        async with running_bot(service, feedback, state=state_at(tmp_path / "guilds.sqlite3")) as (fake, bot):
            poster, clock = bot.deps.poster, FakeClock()
            poster._clock, poster._sleep, poster.pace = clock, clock.sleep, RecordingPace(clock)
            target = Target(int(fake.guild_id), int(fake.channel_id))
            sent = await asyncio.gather(*(poster.post(target, f"item:{i}", Outgoing(content=f"news {i}"))
                                          for i in range(12)))
            assert all(m is not None for m in sent)
            assert [m["content"] for m in fake.bot_messages(fake.channel_id)] == [f"news {i}" for i in range(12)]
            times = clock.sends
            assert len(times) == 12
            assert all(sum(1 for t in times if start <= t < start + 5.0) <= 5 for start in times)
            assert times[-1] - times[0] >= 10.0  # 12 messages need three windows
            assert fake.rejections == []
            assert_never_pings(fake)
    asyncio.run(main())


def test_a_missing_permission_is_told_once_with_its_name(service, feedback, tmp_path):
    async def main() -> None:
        async with running_bot(service, feedback, state=state_at(tmp_path / "guilds.sqlite3")) as (fake, bot):
            poster = bot.deps.poster
            await fake.deny_bot(fake.side_channel_id, EMBED_LINKS)
            await until(lambda: not bot.get_channel(int(fake.side_channel_id)).permissions_for(
                bot.get_guild(int(fake.guild_id)).me).embed_links)
            target = Target(int(fake.guild_id), int(fake.side_channel_id))
            card = Outgoing(embeds=({"title": "A story", "description": "text"},))
            assert await poster.post(target, "a", card, owner_id=OWNER) is None
            assert await poster.post(target, "b", card, owner_id=OWNER) is None
            dm = await fake.wait_for(lambda: fake.bot_messages(fake.dm_channel_id))
            assert len(dm) == 1, "told once for the channel and permission, not once per post"
            assert "**Embed Links**" in text_of(dm[0]) and f"<#{fake.side_channel_id}>" in text_of(dm[0])
            assert fake.bot_messages(fake.side_channel_id) == []

            # Discord's own 403 (the bot's view of the channel is stale): named as well.
            fake.overwrites[fake.channel_id] = [{"id": fake.bot_user["id"], "type": 1, "allow": "0",
                                                 "deny": str(SEND_MESSAGES)}]
            assert await poster.post(Target(int(fake.guild_id), int(fake.channel_id)), "c",
                                     Outgoing(content="hello"), owner_id=OWNER) is None
            dms = await fake.wait_for(lambda: len(fake.bot_messages(fake.dm_channel_id)) == 2
                                      and fake.bot_messages(fake.dm_channel_id))
            assert "**Send Messages**" in text_of(dms[1]) and f"<#{fake.channel_id}>" in text_of(dms[1])
            assert_never_pings(fake)
    asyncio.run(main())


def test_a_channel_without_permission_is_told_once_across_restarts_and_gets_no_stale_post(service, feedback,
                                                                                            tmp_path):
    path = tmp_path / "guilds.sqlite3"

    async def first(fake):
        async with running_bot(service, feedback, state=state_at(path), fake=fake) as (_, bot):
            await fake.deny_bot(fake.side_channel_id, SEND_MESSAGES)
            await until(lambda: not bot.get_channel(int(fake.side_channel_id)).permissions_for(
                bot.get_guild(int(fake.guild_id)).me).send_messages)
            target = Target(int(fake.guild_id), int(fake.side_channel_id))
            for key in ("article:1", "article:2"):
                assert await bot.deps.poster.post(target, key, Outgoing(content=key), owner_id=OWNER) is None
            await fake.wait_for(lambda: fake.bot_messages(fake.dm_channel_id))

    async def restarted(fake, key: str, allowed: bool = False):
        async with running_bot(service, feedback, state=state_at(path), fake=fake) as (_, bot):
            channel = bot.get_channel(int(fake.side_channel_id))
            if allowed:
                await fake.allow_bot(fake.side_channel_id)
                await until(lambda: channel.permissions_for(channel.guild.me).send_messages)
            assert await bot.deps.poster.replay() == 0  # nothing was left pending: the refused posts are dropped
            target = Target(int(fake.guild_id), int(fake.side_channel_id))
            return await bot.deps.poster.post(target, key, Outgoing(content=key), owner_id=OWNER)

    async def main() -> None:
        fake = FakeDiscord()
        await first(fake)
        assert await restarted(fake, "article:3") is None  # still refused, after a restart: no second notice
        assert await restarted(fake, "article:4") is None
        assert len(fake.bot_messages(fake.dm_channel_id)) == 1, "one notice in all, across restarts"
        assert await restarted(fake, "article:5", allowed=True) is not None  # granted: the new post goes out ...
        assert [m["content"] for m in fake.bot_messages(fake.side_channel_id)] == ["article:5"]  # ... alone
    asyncio.run(main())


def test_nothing_is_posted_twice_across_a_restart_or_a_crash_before_the_ledger_write(service, feedback, tmp_path):
    path = tmp_path / "guilds.sqlite3"

    async def main() -> None:
        async with running_bot(service, feedback, state=state_at(path)) as (fake, bot):
            target = Target(int(fake.guild_id), int(fake.channel_id))
            assert await bot.deps.poster.post(target, "article:1", Outgoing(content="first")) is not None
            assert await bot.deps.poster.post(target, "article:1", Outgoing(content="first")) is None
            assert await bot.deps.poster.post(target, "article:2", Outgoing(content="second")) is not None
            # a crash after Discord created "second" and before the ledger knew it, written into the file itself
            with closing(sqlite3.connect(path)) as db:
                db.execute("UPDATE posts SET state = 'pending' WHERE item_key = 'article:2'")
                db.commit()
            ledger = state_at(path).ledger
        # A new process on the same file, against the same Discord: it sends "second" again at start-up,
        # with the same nonce, and Discord answers with the message it created before.
        async with running_bot(service, feedback, state=state_at(path), fake=fake) as (_, bot2):
            await until(lambda: ledger.state(int(fake.guild_id), fake.channel_id, "article:2") == "posted")
            assert await bot2.deps.poster.post(target, "article:1", Outgoing(content="first")) is None
            assert [m["content"] for m in fake.bot_messages(fake.channel_id)] == ["first", "second"]
            nonces = [r.body.get("nonce") for r in fake.requests if r.method == "POST"
                      and r.path == f"/channels/{fake.channel_id}/messages"]
            assert len(nonces) == 3 and nonces[1] == nonces[2], "the retry carried the first attempt's nonce"
    asyncio.run(main())
