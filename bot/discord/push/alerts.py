"""/alerts channel|off: a server's admins choose a channel where broken sources are reported.

Every minute the bot reads the health of the sources once (NewsPort.source_health, for every server with
alerts on) and, for each such server and each source it sees (its own and the shared ones), posts once
per episode that the source started failing (or went quiet for five times its usual interval), and once
more when it works again. Which episodes were reported is kept
in the adapter's state (bot/state/push.py), claimed before posting: a restart, or another process, never reports
twice. Each process reports to the servers of its own shards.
Alerts go through the channel poster (bot/discord/push/poster.py), and the poster's reports of a missing
permission (Send Messages, Embed Links…) in another channel of the server go to the alert channel too.
"""
from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.access import scopes_of
from bot.discord.admin import admin_only
from bot.discord.deps import Deps, DepsCog
from bot.discord.errors import NO_MENTIONS
from bot.discord.periodic import every
from bot.discord.push.poster import Outgoing, Target
from bot.discord.render import clip, no_previews, timestamp_tag
from bot.discord.push.alert_rules import AlertNotice, plan_alerts
from bot.discord.text import escape_line
from index.types import Scope

CHECK_SECONDS = 60.0


def alert_text(notice: AlertNotice) -> str:
    """The alert message for one notice (at most 2,000 characters, no previews)."""
    h = notice.health
    assert h is not None
    where = "shared source" if Scope(h.scope).is_shared else "source"
    name = f"{where} **{escape_line(h.name)}**"
    success = f" Last success {timestamp_tag(h.last_success)}." if h.last_success else " It was never read."
    if notice.kind == "recovered":
        return no_previews(f"✅ The {name} works again.{success}")
    if notice.kind == "stale":
        usual = _duration(h.usual_interval_seconds or 0)
        return no_previews(f"⚠️ The {name} has had no new article for over five times its usual interval "
                           f"(one every {usual}).{success} It may have moved or stopped; check its address.")
    said = h.last_error_kind and h.last_error_kind.lower() in h.last_error.lower()  # "HTTP 500" once, not twice
    kind = f" ({escape_line(h.last_error_kind)})" if h.last_error_kind and not said else ""
    error = escape_line(clip(h.last_error, 300))
    return no_previews(f"⚠️ The {name} is failing{kind}: {error}.{success} What was indexed is kept, and "
                       "newsbot keeps retrying; it will say here when the source works again.")


def _duration(seconds: float) -> str:
    if seconds >= 86_400:
        return f"{seconds / 86_400:.1f} days"
    if seconds >= 3_600:
        return f"{seconds / 3_600:.1f} hours"
    return f"{max(1, round(seconds / 60))} minutes"


class AlertCommands(DepsCog):
    """The /alerts group (admins only) and the loop that reports source health."""

    alerts = app_commands.Group(name="alerts", description="Where broken news sources are reported (admins only)",
                                guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: commands.Bot, deps: Deps) -> None:
        super().__init__(bot, deps)
        self.store = deps.state.alerts
        self.watch = every(CHECK_SECONDS, bot, self.tick, "could not check the health of the sources")

    async def cog_load(self) -> None:
        """Start checking source health."""
        self.watch.start()

    async def cog_unload(self) -> None:
        """Stop checking."""
        self.watch.cancel()

    @alerts.command(name="channel", description="Report broken news sources in this channel (admins only)")
    @app_commands.describe(channel="The channel (default: this one)")
    @admin_only()
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        """Send this server's source alerts to a channel."""
        assert interaction.guild_id is not None
        target = channel.id if channel is not None else interaction.channel_id
        assert target is not None
        await asyncio.to_thread(self.store.set_channel, interaction.guild_id, target, interaction.user.id)
        await interaction.response.send_message(
            f"Source alerts for this server now go to <#{target}>: a source that starts failing (or gets no new "
            "article for five times its usual interval) is reported there once, and again once when it works "
            "again. `/alerts off` stops them.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    @alerts.command(name="off", description="Stop reporting broken news sources (admins only)")
    @admin_only()
    async def off(self, interaction: discord.Interaction) -> None:
        """Stop this server's source alerts."""
        assert interaction.guild_id is not None
        was_on = await asyncio.to_thread(self.store.turn_off, interaction.guild_id)
        text = "Source alerts are off." if was_on else "Source alerts were not on; `/alerts channel` turns them on."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def tick(self) -> int:
        """One check of every server with alerts on; returns the number of alerts posted."""
        posted = 0
        guilds = {guild_id: where for guild_id, where in (await asyncio.to_thread(self.store.channels)).items()
                  if self.deps.access.guild_enabled(guild_id) and self.deps.shards.holds(guild_id)}
        if not guilds:
            return 0
        # one read of every source's health per tick (the shared ones are seen by every server)
        scopes = sorted({scope for guild_id in guilds for scope in scopes_of(guild_id)})
        health = await asyncio.to_thread(self.deps.service.source_health, scopes)
        for guild_id, (channel_id, owner_id) in guilds.items():
            visible = set(scopes_of(guild_id))
            opened = await asyncio.to_thread(self.store.open_reports, guild_id)
            for notice in plan_alerts([h for h in health if h.scope in visible], opened):
                posted += await self._deliver(Target(guild_id, channel_id), notice, owner_id)
        return posted

    async def _deliver(self, target: Target, notice: AlertNotice, owner_id: int | None) -> bool:
        """Claim the notice, then post it through the poster's ledger (keyed by the episode): never twice."""
        claim = self.store.claim_recovery if notice.kind == "recovered" else self.store.claim_failure
        if not await asyncio.to_thread(claim, target.guild_id, notice.source, notice.episode) or notice.health is None:
            return False
        key = f"alert:{notice.source}:{notice.episode}:{'recovered' if notice.kind == 'recovered' else 'failing'}"
        sent = await self.deps.poster.post(target, key, Outgoing(content=alert_text(notice)), owner_id)
        return sent is not None
