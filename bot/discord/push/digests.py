"""/digest now|schedule|list|remove: the news digest in Discord, now or every day (or week) at a set time.

Setting up, listing and removing schedules is for admins; anyone may ask for `/digest now` where the bot
answers. Schedules live in the adapter's state (bot/state/push.py: guilds.sqlite3, or PostgreSQL) and survive
restarts. Once a minute the due schedules of this process's servers fire (bot/discord/push/digest_times.py): a
schedule that came due while the bot was down fires once when it is back, and each slot is claimed in the database before posting, so nothing is posted twice.
Digests go through the channel poster (bot/discord/push/poster.py: paced, permission-aware, no pings), keyed in
its ledger by schedule and day.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.push import digest_times as times
from bot.discord.access import check_channel, scopes_of
from bot.discord.admin import admin_only
from bot.discord.deps import Deps, DepsCog
from bot.discord.push.digest_render import digest_heading, digest_messages
from bot.discord.errors import NO_MENTIONS
from bot.discord.periodic import every
from bot.discord.push.poster import Outgoing, Target
from bot.discord.render import clip
from bot.discord.text import escape_line
from index.errors import BadInput, NewsbotError
from bot.state.push import DigestSchedule
from index.types import Digest

log = logging.getLogger("newsbot.discord")
CHECK_SECONDS = 60.0
STORIES = 10


def window_start(slot_day: date, every: str) -> date:
    """The first day a scheduled digest covers: yesterday for a daily one, the past week for a weekly one."""
    return slot_day - timedelta(days=1 if every == "day" else 7)


def schedule_line(s: DigestSchedule, now_next: int) -> str:
    """One line of /digest list."""
    sources = ", ".join(escape_line(x) for x in s.sources) or "all sources"
    return (f"**#{s.id}** — {times.describe(s.at, s.every, s.weekday, s.tz)} in <#{s.channel_id}> — "
            f"{clip(sources, 200)} — next <t:{now_next}:R>")


class DigestCommands(DepsCog):
    """The /digest group and the loop that fires the schedules."""

    digest = app_commands.Group(name="digest", description="The news digest: now, or on a schedule", guild_only=True)

    def __init__(self, bot: commands.Bot, deps: Deps) -> None:
        super().__init__(bot, deps)
        self.schedules = deps.state.schedules
        self.watch = every(CHECK_SECONDS, bot, self.tick, "could not fire the digest schedules")

    async def cog_load(self) -> None:
        """Start firing the schedules."""
        self.watch.start()

    async def cog_unload(self) -> None:
        """Stop firing."""
        self.watch.cancel()

    # ------------------------------------------------------------------------------------- commands
    @digest.command(name="now", description="Post the news digest of the last days here, now")
    @app_commands.describe(days="How many days back (default 1: yesterday and today)", sources="Only these sources, comma-separated")
    async def now(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 31] = 1,
                  sources: str | None = None) -> None:
        """Build the digest of this server's sources and post it in this channel."""
        check_channel(interaction)
        assert interaction.guild_id is not None
        await interaction.response.defer(thinking=True)
        names = await asyncio.to_thread(self._checked_sources, interaction.guild_id, sources)
        since = self.deps.clock().date() - timedelta(days=days)
        digest, words = await asyncio.to_thread(self._build, interaction.guild_id, since, names)
        for i, embeds in enumerate(digest_messages(digest, words)):
            await interaction.followup.send(digest_heading(digest, None, words) if i == 0 else discord.utils.MISSING,
                                            embeds=[discord.Embed.from_dict(e) for e in embeds],
                                            allowed_mentions=NO_MENTIONS)

    @digest.command(name="schedule", description="Post the digest every day or week at a time (admins only)")
    @app_commands.describe(time="HH:MM, 24-hour", channel="Where to post (default: this channel)",
                           every="day (default) or week (on today's weekday)", sources="Only these, comma-separated",
                           timezone="A time zone such as Europe/Paris (default UTC)")
    @admin_only()
    async def schedule(self, interaction: discord.Interaction, time: str, channel: discord.TextChannel | None = None,
                       every: Literal["day", "week"] = "day", sources: str | None = None,
                       timezone: str | None = None) -> None:
        """Add a schedule for this server."""
        assert interaction.guild_id is not None
        at, tz = times.parse_time(time), times.parse_zone(timezone)
        target = channel.id if channel is not None else interaction.channel_id
        assert target is not None
        names = await asyncio.to_thread(self._checked_sources, interaction.guild_id, sources)
        now = self.deps.clock()
        weekday = now.astimezone(ZoneInfo(tz)).weekday()
        sid = await asyncio.to_thread(self.schedules.add, interaction.guild_id, target, at, every, weekday, tz,
                                      names, times.slot_key(now), interaction.user.id)
        upcoming = int(times.next_fire(at, every, weekday, tz, now).timestamp())
        await interaction.response.send_message(
            f"Digest **#{sid}** scheduled {times.describe(at, every, weekday, tz)} in <#{target}>"
            f" ({clip(', '.join(names), 300) or 'all sources'}); the first one comes <t:{upcoming}:R>. "
            "`/digest list` shows the schedules, `/digest remove` stops one.",
            ephemeral=True, allowed_mentions=NO_MENTIONS)

    @digest.command(name="list", description="Show this server's digest schedules")
    async def list_schedules(self, interaction: discord.Interaction) -> None:
        """List the schedules, with when each fires next."""
        assert interaction.guild_id is not None
        found = await asyncio.to_thread(self.schedules.of_guild, interaction.guild_id)
        now = self.deps.clock()
        lines = [schedule_line(s, int(times.next_fire(s.at, s.every, s.weekday, s.tz, now).timestamp())) for s in found]
        text = "\n".join(lines) or "No digest is scheduled in this server; an admin can add one with /digest schedule."
        await interaction.response.send_message(clip(text, 2000), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @digest.command(name="remove", description="Stop a scheduled digest (admins only)")
    @app_commands.describe(schedule="The schedule's number, as /digest list shows it")
    @admin_only()
    async def remove(self, interaction: discord.Interaction, schedule: str) -> None:
        """Remove one of this server's schedules."""
        assert interaction.guild_id is not None
        number = schedule.strip().lstrip("#")
        if not number.isdigit() or not await asyncio.to_thread(self.schedules.remove, interaction.guild_id, int(number)):
            raise BadInput(f"There is no digest schedule {clip(schedule, 40)!r} in this server; see /digest list.")
        await interaction.response.send_message(f"Digest **#{number}** removed.", ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)

    # ------------------------------------------------------------------------------------- firing
    def _checked_sources(self, guild_id: int, text: str | None) -> tuple[str, ...]:
        """The comma-separated source names, each one this server sees; BadInput naming an unknown one."""
        names = tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))
        if not names:
            return ()
        unknown = [n for n in names if self.deps.service.find_source(n, scopes_of(guild_id)) is None]
        if unknown:
            raise BadInput(f"There is no source named {clip(unknown[0], 100)!r} here; see /sources.")
        return names

    def _build(self, guild_id: int, since: date, sources: tuple[str, ...]) -> tuple[Digest, dict[str, str]]:
        """The digest in the server's language (/language), and that language's words for its headings."""
        language = self.deps.state.servers.language(guild_id)
        digest = self.deps.service.digest(since=since, sources=list(sources) or None, scopes=scopes_of(guild_id),
                                          limit=STORIES, language=language)
        return digest, self.deps.service.phrases(language)

    async def tick(self) -> int:
        """Fire every due schedule once; returns how many digests were posted."""
        now = self.deps.clock()
        fired = 0
        for s in await asyncio.to_thread(self.schedules.all):
            if not self.deps.access.guild_enabled(s.guild_id) or not self.deps.shards.holds(s.guild_id):
                continue  # not answered here, or served by the process holding its shard
            slot = times.due_slot(s.at, s.every, s.weekday, s.tz, s.created, s.last_slot, now)
            if slot is None or not await asyncio.to_thread(self.schedules.claim, s.id, times.slot_key(slot)):
                continue
            fired += await self._fire(s, slot.astimezone(ZoneInfo(s.tz)).date())
        return fired

    async def _fire(self, s: DigestSchedule, slot_day: date) -> bool:
        """Build and post one scheduled digest (its slot already claimed)."""
        try:
            digest, words = await asyncio.to_thread(self._build, s.guild_id, window_start(slot_day, s.every), s.sources)
        except NewsbotError as exc:
            log.warning("digest #%s of server %s could not be built: %s", s.id, s.guild_id, exc)
            return False
        label = words["daily_digest"] if s.every == "day" else words["weekly_digest"]
        posted = True
        for i, embeds in enumerate(digest_messages(digest, words)):
            message = Outgoing(content=digest_heading(digest, label, words) if i == 0 else "", embeds=tuple(embeds))
            sent = await self.deps.poster.post(Target(s.guild_id, s.channel_id),
                                               f"digest:{s.id}:{slot_day.isoformat()}:{i}", message, s.owner_id)
            posted &= sent is not None
        log.info("digest #%s of server %s for %s: %d stories", s.id, s.guild_id, slot_day, len(digest.stories))
        return posted
