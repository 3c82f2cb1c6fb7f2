"""The bot joining and leaving servers: a server outside NEWSBOT_GUILD_IDS is told once that the bot does
not answer there; a server that removed the bot has its scope (sources, index, settings) forgotten after
a grace period (NEWSBOT_FORGET_AFTER_DAYS, default 7), so that re-inviting it by mistake loses nothing."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

import discord
from discord.ext import commands

from bot.discord.deps import Deps, DepsCog
from bot.discord.errors import NO_MENTIONS
from bot.discord.periodic import every
from bot.state import AdapterState
from index.port import NewsPort
from index.types import Scope

log = logging.getLogger("newsbot.discord")
SWEEP_SECONDS = 3600.0
NOT_ENABLED_NOTICE = ("newsbot is not enabled in this server: its operator runs it for other servers only "
                      "(NEWSBOT_GUILD_IDS), so it will not answer here. An admin can remove it in "
                      "Server Settings → Integrations.")


def forget_server(service: NewsPort, state: AdapterState, guild_id: int) -> list[str]:
    """Forget one server: its sources and their chunks (the core), and everything the adapter keeps of it (every
    store's `forget`); returns the sources dropped."""
    dropped = service.forget_scope(Scope.server(guild_id))
    state.forget(guild_id)
    return dropped


class GuildEvents(DepsCog):
    """Presence bookkeeping for every server the bot is (or was) in."""

    def __init__(self, bot: commands.Bot, deps: Deps) -> None:
        super().__init__(bot, deps)
        self.forget_after = deps.forget_after
        self.sweep = every(SWEEP_SECONDS, bot, self.sweep_now, "could not forget removed servers")

    async def cog_load(self) -> None:
        """Start the hourly sweep of servers removed long enough ago."""
        self.sweep.start()

    async def cog_unload(self) -> None:
        """Stop the sweep."""
        self.sweep.cancel()

    async def sweep_now(self) -> list[int]:
        """Forget the servers whose grace period is over (a server that invited the bot back before READY
        does not look gone: the sweep starts after READY)."""
        return await self.forget_removed(datetime.now(timezone.utc))

    async def forget_removed(self, now: datetime) -> list[int]:
        """Forget every server the bot was removed from more than the grace period before `now`."""
        due = await asyncio.to_thread(self.deps.state.servers.removed_before, now - self.forget_after)
        forgotten = []
        for guild_id in due:
            if not self.deps.shards.holds(guild_id):  # the process holding its shard forgets it
                continue
            if self.bot.get_guild(guild_id) is not None:  # it came back
                await asyncio.to_thread(self.deps.state.servers.mark_present, guild_id)
                continue
            dropped = await asyncio.to_thread(forget_server, self.deps.service, self.deps.state, guild_id)
            log.info("forgot server %s (removed %s ago): sources %s", guild_id, self.forget_after, dropped)
            forgotten.append(guild_id)
        return forgotten

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A server the bot is in: nothing of it is to be forgotten; tell it once if it is not enabled."""
        await self._present(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Invited to a server."""
        await self._present(guild)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: its scope is forgotten after the grace period."""
        log.info("removed from server %s (%s); its sources are forgotten in %s unless it comes back",
                 guild.id, guild.name, self.forget_after)
        await asyncio.to_thread(self.deps.state.servers.mark_removed, guild.id)

    async def _present(self, guild: discord.Guild) -> None:
        await asyncio.to_thread(self.deps.state.servers.mark_present, guild.id)
        if self.deps.access.guild_enabled(guild.id):
            return
        log.warning("server %s (%s) is not in NEWSBOT_GUILD_IDS: the bot answers nothing there", guild.id, guild.name)
        if not await asyncio.to_thread(self.deps.state.servers.first_notice, guild.id):
            return
        channel = guild.system_channel or next(
            (c for c in guild.text_channels if c.permissions_for(guild.me).send_messages), None)
        if channel is None:
            return
        try:
            await channel.send(NOT_ENABLED_NOTICE, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell server %s that the bot is not enabled there", guild.id, exc_info=True)
