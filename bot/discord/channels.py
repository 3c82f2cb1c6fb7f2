"""/channels allow|deny|list|reset: a server's admins choose where the bot answers (default: everywhere).

In a channel where it does not answer, mentions are ignored and /ask and /summary say, only to the
asker, where they can be used. A thread follows its parent channel's rule.
"""
from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.discord.rules import describe_rules
from bot.discord.admin import admin_only
from bot.discord.errors import NO_MENTIONS
from bot.discord.deps import DepsCog


class ChannelCommands(DepsCog):
    """The /channels group: admins only, guild only, hidden from plain members by default."""

    channels = app_commands.Group(name="channels", description="Choose where the bot answers (admins only)",
                                  guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    async def _set(self, interaction: discord.Interaction, channel: discord.abc.GuildChannel | None,
                   rule: str) -> None:
        assert interaction.guild_id is not None
        target = channel.id if channel is not None else interaction.channel_id
        settings = self.deps.state.servers
        await asyncio.to_thread(settings.set_channel, interaction.guild_id, target, rule)
        await self._show(interaction)

    async def _show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        rules = await asyncio.to_thread(self.deps.state.servers.channel_rules, interaction.guild_id)
        await interaction.response.send_message(describe_rules(rules), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @channels.command(name="allow", description="Answer questions in this channel (and only the allowed ones)")
    @app_commands.describe(channel="The channel (default: this one)")
    @admin_only()
    async def allow(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        """Add a channel to the server's allow-list (once it has one, the bot answers only there)."""
        await self._set(interaction, channel, "allow")

    @channels.command(name="deny", description="Do not answer questions in this channel")
    @app_commands.describe(channel="The channel (default: this one)")
    @admin_only()
    async def deny(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        """Never answer in a channel (it is also taken off the allow-list)."""
        await self._set(interaction, channel, "deny")

    @channels.command(name="list", description="Show where the bot answers in this server")
    @admin_only()
    async def list_rules(self, interaction: discord.Interaction) -> None:
        """Show the server's channel rules."""
        await self._show(interaction)

    @channels.command(name="reset", description="Answer in every channel again")
    @admin_only()
    async def reset(self, interaction: discord.Interaction) -> None:
        """Forget the server's channel rules."""
        assert interaction.guild_id is not None
        await asyncio.to_thread(self.deps.state.servers.clear_channels, interaction.guild_id)
        await self._show(interaction)
