"""End to end through the fake Discord: a server's feed on 127.0.0.1 starts answering 403 (then broken XML):
it is reported once to that server's alert channel, not again after a restart, and once when it recovers;
/sources shows its last success and last error; another server never hears of it."""
from __future__ import annotations

import asyncio

from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import assert_never_pings, finished, reply_text
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord
from tests.support.feeds import FeedSite
from tests.support.http_server import body

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
BROKEN_XML = body("<?xml version='1.0'?><rss><channel><item><title>cut", "application/rss+xml")



class _Override(dict):
    """A FeedSite's routes, with some paths answered differently while set."""

    def __init__(self, routes) -> None:
        super().__init__()
        self.routes, self.overrides = routes, {}

    def get(self, path, default=None):
        return self.overrides.get(path) or self.routes.get(path, default)


async def _in_channel(fake: FakeDiscord, channel: str, count: int) -> list[dict]:
    await fake.wait_for(lambda: len(fake.bot_messages(channel)) >= count)
    await asyncio.sleep(0.2)  # a duplicate would have arrived by now
    return fake.bot_messages(channel)


async def _command_text(fake: FakeDiscord, name: str, sub: str | None, channel: str, admin: bool = True) -> str:
    inter = await fake.slash(name, sub=sub, channel_id=channel, permissions=ADMIN if admin else MEMBER_PERMISSIONS)
    await fake.wait_for(lambda: inter.visible_messages() and (inter.followups or name != "sources"))
    if name == "sources":
        await finished(fake, inter)
    return reply_text(inter)


def test_a_broken_feed_is_reported_once_and_its_recovery_once(scoped_service, feedback, tmp_path):
    path = tmp_path / "guilds.sqlite3"
    with FeedSite() as site:
        site.publish("bridge", "Bridge reopens after repairs", "bridge")
        routes = site.server.routes = _Override(site.server.routes)

        async def first_run() -> str:
            async with running_bot(scoped_service, feedback, second_guild=True,
                                   state=state_at(path)) as (fake, bot):
                scope = f"g{fake.guild_id}"
                alerts, other = fake.side_channel_id, fake.other_channel_id
                refused = await _command_text(fake, "alerts", "channel", alerts, admin=False)
                assert "Only server admins" in refused
                assert "now go to <#" in await _command_text(fake, "alerts", "channel", alerts)
                assert "now go to <#" in await _command_text(fake, "alerts", "channel", other)
                await asyncio.to_thread(scoped_service.add_source, site.url("/feed"), "wire", scope)
                assert len((await asyncio.to_thread(scoped_service.index, None, scopes=[scope])).added) == 1
                cog = bot.get_cog("AlertCommands")
                reads, read = [], scoped_service.source_health
                scoped_service.source_health = lambda scopes=None: reads.append(scopes) or read(scopes)
                assert await cog.tick() == 0
                assert reads == [sorted({"shared", scope, f"g{fake.other_guild_id}"})]  # once a tick, both servers

                routes.overrides["/feed"] = body("forbidden", "text/plain", 403)
                for _ in range(2):
                    await asyncio.to_thread(scoped_service.index, None, scopes=[scope])
                await cog.tick()
                [alert] = await _in_channel(fake, alerts, 1)
                assert "source **wire** is failing: <" in alert["content"] and alert["content"].count("HTTP 403") == 1, alert["content"]
                assert "Last success <t:" in alert["content"]
                assert await cog.tick() == 0
                listing = await _command_text(fake, "sources", None, fake.channel_id, admin=False)
                assert "**wire** (feed, this server)" in listing and "last success <t:" in listing
                assert "**failing**" in listing and "last error <t:" in listing and "HTTP 403" in listing
                elsewhere = await _command_text(fake, "sources", None, other, admin=False)
                assert "wire" not in elsewhere
                assert fake.bot_messages(other) == [] and fake.rejections == []
                return scope

        async def second_run(scope: str) -> None:
            async with running_bot(scoped_service, feedback, second_guild=True,
                                   state=state_at(path)) as (fake, bot):
                cog = bot.get_cog("AlertCommands")
                routes.overrides["/feed"] = BROKEN_XML  # still failing: the same spell, not reported again
                await asyncio.to_thread(scoped_service.index, None, scopes=[scope])
                assert await cog.tick() == 0
                assert fake.bot_messages(fake.side_channel_id) == []

                del routes.overrides["/feed"]
                await asyncio.to_thread(scoped_service.index, None, scopes=[scope])
                await cog.tick()
                [recovered] = await _in_channel(fake, fake.side_channel_id, 1)
                assert "source **wire** works again" in recovered["content"]
                assert await cog.tick() == 0
                assert fake.bot_messages(fake.other_channel_id) == []
                assert "Source alerts are off." in await _command_text(fake, "alerts", "off", fake.side_channel_id)
                assert_never_pings(fake)

        scope = asyncio.run(first_run())
        asyncio.run(second_run(scope))
