"""End to end through the fake Discord: /digest now, a scheduled digest that fires on an injected clock, a
restart in between (same guilds.sqlite3, a new client: the missed days fire once), admins only, per server."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.discord.guilds import forget_server
from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import Clock, assert_never_pings, finished, reply_text, text_of
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
SEED_TITLE = "After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure targets"





async def _digests_in(fake: FakeDiscord, channel: str, count: int) -> list[dict]:
    await fake.wait_for(lambda: len(fake.bot_messages(channel)) >= count)
    await asyncio.sleep(0.2)  # a second post would have arrived by now
    return fake.bot_messages(channel)


def test_digest_now_posts_the_stories_with_their_sources_here(scoped_service, feedback, tmp_path):
    clock = Clock(datetime(2025, 3, 20, 9, 0, tzinfo=timezone.utc))

    async def main() -> None:
        async with running_bot(scoped_service, feedback, clock=clock,
                               state=state_at(tmp_path / "guilds.sqlite3")) as (fake, bot):
            inter = await fake.slash("digest", sub="now")
            await finished(fake, inter)
            text = text_of(inter.followups[0])
            assert "News digest** since 19 March 2025: 1 story" in text
            assert SEED_TITLE in text and "Sources" in text and "**[1]**" in text and "[1]" in text
            assert inter.followups[0]["embeds"][0]["title"].startswith("1. After call with Trump")
            unknown = await fake.slash("digest", {"sources": "nowhere"}, sub="now")
            await fake.wait_for(lambda: unknown.followups)
            assert "no source named 'nowhere'" in text_of(unknown.followups[-1])
            assert fake.rejections == []
            assert_never_pings(fake)
    asyncio.run(main())


def test_a_schedule_fires_once_per_slot_and_once_after_a_restart(scoped_service, feedback, tmp_path):
    clock = Clock(datetime(2025, 3, 19, 9, 0, tzinfo=timezone.utc))
    path = tmp_path / "guilds.sqlite3"

    async def first_run() -> None:
        async with running_bot(scoped_service, feedback, clock=clock, second_guild=True,
                               state=state_at(path)) as (fake, bot):
            side = fake.side_channel_id
            member = await fake.slash("digest", {"time": "08:00"}, sub="schedule")
            await fake.wait_for(lambda: member.acks)
            assert "Only server admins" in reply_text(member), member
            bad = await fake.slash("digest", {"time": "25:00"}, sub="schedule", permissions=ADMIN)
            await fake.wait_for(lambda: bad.acks)
            assert "HH:MM" in reply_text(bad)
            made = await fake.slash("digest", {"time": "08:00"}, sub="schedule", permissions=ADMIN, channels={"channel": side})
            await fake.wait_for(lambda: made.acks)
            assert "Digest **#1** scheduled every day at 08:00 UTC in <#" in reply_text(made), reply_text(made)
            listed = await fake.slash("digest", sub="list")
            await fake.wait_for(lambda: listed.acks)
            assert "**#1** — every day at 08:00 UTC" in reply_text(listed)
            other = await fake.slash("digest", sub="list", channel_id=fake.other_channel_id)
            await fake.wait_for(lambda: other.acks)
            assert "No digest is scheduled" in reply_text(other)  # another server never sees it

            cog = bot.get_cog("DigestCommands")
            assert await cog.tick() == 0  # created after today's 08:00: first due tomorrow
            clock.now = datetime(2025, 3, 20, 8, 0, 30, tzinfo=timezone.utc)
            await cog.tick()
            [posted] = await _digests_in(fake, side, 1)
            assert "Daily news digest** since 19 March 2025: 1 story" in text_of(posted)
            assert SEED_TITLE in text_of(posted) and "**Sources**" in text_of(posted)
            clock.now = datetime(2025, 3, 20, 20, 0, tzinfo=timezone.utc)
            assert await cog.tick() == 0
            assert len(fake.bot_messages(side)) == 1 and fake.bot_messages(fake.other_channel_id) == []
            assert fake.rejections == []

    async def after_restart() -> None:
        clock.now = datetime(2025, 3, 23, 10, 0, tzinfo=timezone.utc)  # down for three days
        async with running_bot(scoped_service, feedback, clock=clock, second_guild=True,
                               state=state_at(path)) as (fake, bot):
            cog = bot.get_cog("DigestCommands")
            await cog.tick()  # the loop also ticks once on start: together they post once
            [posted] = await _digests_in(fake, fake.side_channel_id, 1)
            assert "since 22 March 2025" in text_of(posted)
            assert await cog.tick() == 0
            assert len(fake.bot_messages(fake.side_channel_id)) == 1
            gone = await fake.slash("digest", {"schedule": "1"}, sub="remove", permissions=ADMIN)
            await fake.wait_for(lambda: gone.acks)
            assert "Digest **#1** removed" in reply_text(gone)
            assert_never_pings(fake)

    asyncio.run(first_run())
    asyncio.run(after_restart())


def test_forgetting_a_server_removes_its_schedules_and_alerts_only(scoped_service, tmp_path):
    state = state_at(tmp_path / "guilds.sqlite3")
    schedules = state.schedules
    schedules.add(1, 10, "08:00", "day", 0, "UTC", (), "2025-03-19T09:00:00+00:00")
    schedules.add(2, 20, "09:00", "week", 3, "Europe/Paris", ("wire",), "2025-03-19T09:00:00+00:00")
    alerts = state.alerts
    for guild in (1, 2):
        alerts.set_channel(guild, guild * 10, owner_id=5)
        assert alerts.claim_failure(guild, "shared/wire", "failing@t")
    forget_server(scoped_service, state, 1)
    assert alerts.channels() == {2: (20, 5)}
    assert alerts.open_reports(1) == {} and alerts.open_reports(2) == {"shared/wire": "failing@t"}
    again = state_at(tmp_path / "guilds.sqlite3").schedules  # as a restarted process reads it
    assert [s.guild_id for s in again.all()] == [2]
    assert again.all()[0].sources == ("wire",)


def test_a_digest_the_bot_cannot_post_is_told_to_the_alert_channel_in_one_line(scoped_service, feedback, tmp_path):
    from tests.support.fake_discord_posting import EMBED_LINKS

    clock = Clock(datetime(2025, 3, 19, 9, 0, tzinfo=timezone.utc))

    async def main() -> None:
        async with running_bot(scoped_service, feedback, clock=clock,
                               state=state_at(tmp_path / "guilds.sqlite3")) as (fake, bot):
            side = fake.side_channel_id
            alerts = await fake.slash("alerts", sub="channel", permissions=ADMIN)
            await fake.wait_for(lambda: alerts.acks)
            made = await fake.slash("digest", {"time": "08:00"}, sub="schedule", permissions=ADMIN,
                                    channels={"channel": side})
            await fake.wait_for(lambda: made.acks)
            await fake.deny_bot(side, EMBED_LINKS)
            channel = bot.get_channel(int(side))
            for _ in range(500):  # the bot applies CHANNEL_UPDATE from the gateway
                if not channel.permissions_for(channel.guild.me).embed_links:
                    break
                await asyncio.sleep(0.01)
            clock.now = datetime(2025, 3, 20, 8, 5, tzinfo=timezone.utc)
            assert await bot.get_cog("DigestCommands").tick() == 0
            [told] = await _digests_in(fake, fake.channel_id, 1)
            assert told["content"] == (f"I can't post in <#{side}>: I need the **Embed Links** permission there "
                                       "(channel settings → Permissions).")
            assert fake.bot_messages(side) == []
            assert await bot.get_cog("DigestCommands").tick() == 0  # the slot was claimed: no retry storm
            assert len(fake.bot_messages(fake.channel_id)) == 1
            assert_never_pings(fake)
    asyncio.run(main())
