"""/follow add|list|stop: be told when a new article on a topic arrives.

A member follows a topic for themselves (notices by DM, if they accept DMs from the server's members: the
bot says so at once when they do not), or an admin makes a channel follow it. A new article matches when
it supports the topic as an answer's sentence must be supported by its citation (NewsPort.matches), among
the scopes of the server the follow was made in. (`/follow` is a group because Discord does not let a
command take options and have subcommands: `/follow add topic`.)
"""
from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.discord.admin import NotAdmin, is_admin
from bot.discord.deps import DepsCog
from bot.discord.errors import NO_MENTIONS
from bot.discord.push.feeds import parse_id
from bot.discord.push.news_posts import list_lines
from bot.discord.render import clip
from bot.discord.text import escape_line
from index.errors import BadInput

MIN_TOPIC, MAX_TOPIC = 3, 100


def clean_topic(topic: str) -> str:
    """The topic on one line; BadInput when it is too short or too long."""
    topic = " ".join(topic.split())
    if not MIN_TOPIC <= len(topic) <= MAX_TOPIC:
        raise BadInput(f"A topic is {MIN_TOPIC} to {MAX_TOPIC} characters, e.g. `ceasefire talks`.")
    return topic


class FollowCommands(DepsCog):
    """The /follow group: any member for themselves; admins for a channel."""

    follow = app_commands.Group(name="follow", description="Be told when news on a topic arrives", guild_only=True)

    def _admin(self, interaction: discord.Interaction) -> bool:
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        return is_admin(interaction.permissions, roles, self.deps.admin_role_ids)

    @follow.command(name="add", description="Follow a topic: new articles on it are sent to you (or a channel)")
    @app_commands.describe(topic="What to follow, e.g. ceasefire talks",
                           channel="Post the notices in this channel instead of your DMs (admins only)")
    async def add(self, interaction: discord.Interaction, topic: str, channel: discord.TextChannel | None = None) -> None:
        """Follow a topic for oneself (DMs) or, as an admin, for a channel."""
        assert interaction.guild_id is not None
        topic = clean_topic(topic)
        if channel is not None and not self._admin(interaction):
            raise NotAdmin("Only server admins (Manage Server permission or an admin role) can make a channel follow.")
        where = f"<#{channel.id}>" if channel is not None else "your DMs"
        if channel is None and not await self._can_dm(interaction, topic):
            await interaction.response.send_message(
                "I can't send you direct messages: allow DMs from this server's members (Privacy Settings), "
                "then follow again, or ask an admin to make a channel follow it.", ephemeral=True,
                allowed_mentions=NO_MENTIONS)
            return
        await asyncio.to_thread(self.deps.state.subscriptions.add_follow, interaction.guild_id, topic, interaction.user.id,
                                None if channel is not None else interaction.user.id,
                                channel.id if channel is not None else None)
        await interaction.response.send_message(
            f"Following **{escape_line(topic)}**: new articles on it will be told in {where}, with a quote. "
            "See /follow list; stop with /follow stop.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _can_dm(self, interaction: discord.Interaction, topic: str) -> bool:
        """Send the member a first DM; False when Discord refuses (their privacy settings)."""
        guild = interaction.guild.name if interaction.guild is not None else "this server"
        try:
            await interaction.user.send(f"You follow **{escape_line(topic)}** in {escape_line(guild)}: I'll tell "
                                        "you here when a new article on it arrives.", allowed_mentions=NO_MENTIONS)
        except discord.Forbidden:
            return False
        return True

    @follow.command(name="list", description="Your follows, and the channels' follows of this server")
    async def list_follows(self, interaction: discord.Interaction) -> None:
        """Show the member's follows and the server's channel follows."""
        assert interaction.guild_id is not None
        follows = await asyncio.to_thread(self.deps.state.subscriptions.follows, interaction.guild_id)
        rows = [f"`#{f.id}` **{escape_line(f.topic)}** → " + ("your DMs" if f.user_id else f"<#{f.channel_id}>")
                for f in follows if f.user_id == interaction.user.id or f.user_id is None]
        await interaction.response.send_message(list_lines(rows, "No follows yet: try /follow add."),
                                                ephemeral=True, allowed_mentions=NO_MENTIONS)

    @follow.command(name="stop", description="Stop following a topic")
    @app_commands.describe(follow="The follow to stop (see /follow list)")
    async def stop(self, interaction: discord.Interaction, follow: str) -> None:
        """Stop one of the member's follows, or (an admin) a channel's."""
        assert interaction.guild_id is not None
        follow_id = parse_id(follow, "follow")
        subs = self.deps.state.subscriptions
        removed = await asyncio.to_thread(subs.remove_follow, interaction.guild_id, follow_id, interaction.user.id)
        if not removed and self._admin(interaction):
            removed = await asyncio.to_thread(subs.remove_follow, interaction.guild_id, follow_id, None)
        text = "Stopped." if removed else "You have no such follow here; see /follow list."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @stop.autocomplete("follow")
    async def follow_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The member's follows (and the channels' for an admin)."""
        if interaction.guild_id is None:
            return []
        admin = self._admin(interaction)
        follows = await asyncio.to_thread(self.deps.state.subscriptions.follows, interaction.guild_id)
        mine = [f for f in follows if f.user_id == interaction.user.id or (admin and f.user_id is None)]
        names = [(f"#{f.id} {clip(f.topic, 80)}" + ("" if f.user_id else " (channel)"), str(f.id)) for f in mine]
        return [app_commands.Choice(name=n[:100], value=v) for n, v in names if current.lower() in n.lower()][:25]
