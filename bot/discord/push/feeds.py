"""/feed post|list|remove: a server's admins have a source's new articles posted into a channel.

Admin-only like /source add (Manage Server, or an admin role; registered with `default_permissions` and
checked again by the bot). The source is one of this server's or a shared one. Each post opens a thread
where questions are answered about that article first; in a forum channel each story is a post of its
own (a later article of the story is a reply in it: one post per story). The relay (bot/discord/push/news_relay.py) does the
posting, through the poster (bot/discord/push/poster.py).
"""
from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.discord.access import own_scope
from bot.discord.admin import admin_only, is_admin
from bot.discord.deps import DepsCog
from bot.discord.errors import NO_MENTIONS
from bot.discord.push.feed_filters import parse_filter
from bot.discord.push.news_posts import list_lines
from bot.discord.push.permission_notice import missing_permission
from bot.discord.render import clip
from bot.discord.text import escape_line
from index.errors import BadInput
from index.types import Scope

log = logging.getLogger("newsbot.discord.push.feeds")
PostChannel = discord.TextChannel | discord.ForumChannel


def parse_id(text: str, what: str) -> int:
    """The number of a feed or follow as chosen from the list (BadInput otherwise)."""
    try:
        return int(text.strip().lstrip("#"))
    except ValueError:
        raise BadInput(f"Choose the {what} from the list (see /{what} list).") from None


class FeedCommands(DepsCog):
    """The /feed group: admins only, guild only, hidden from plain members by default."""

    feed = app_commands.Group(name="feed", description="Post a source's new articles into a channel (admins only)",
                              guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    async def cog_load(self) -> None:
        """Start relaying new articles; send what a crash left pending once the bot is connected."""
        self.deps.relay.start()
        self._replay = asyncio.create_task(self._replay_when_ready())

    async def cog_unload(self) -> None:
        """Stop relaying."""
        self.deps.relay.stop()
        self._replay.cancel()

    async def _replay_when_ready(self) -> None:
        await self.bot.wait_until_ready()
        try:
            sent = await self.deps.poster.replay(self.deps.shards.holds)
            if sent:
                log.info("sent %d post(s) left pending by the last run", sent)
        except Exception:
            log.exception("could not send the pending posts")

    def _source(self, interaction: discord.Interaction, name: str) -> tuple[Scope, str]:
        """(scope, name) of a source this server may post: its own first, then a shared one."""
        found = self.deps.service.find_source(name, [own_scope(interaction), Scope.SHARED])
        if found is not None:
            return found
        raise BadInput(f"There is no source named {clip(name, 100)!r} here; see /sources.")

    @feed.command(name="post", description="Post a source's new articles into a channel (admins only)")
    @app_commands.describe(source="A source of this server or a shared one", channel="A text or forum channel",
                           include="Only articles with one of these keywords (comma-separated) or /a regex/",
                           exclude="Never articles with one of these keywords or /a regex/")
    @admin_only()
    async def post(self, interaction: discord.Interaction, source: str, channel: PostChannel,
                   include: str | None = None, exclude: str | None = None) -> None:
        """Post the source's new articles as they arrive (filters checked now; a bad one is refused)."""
        assert interaction.guild_id is not None
        parse_filter(include, "include"), parse_filter(exclude, "exclude")
        scope, name = await asyncio.to_thread(self._source, interaction, source)
        forum = isinstance(channel, discord.ForumChannel)
        missing = missing_permission(channel.permissions_for(channel.guild.me), True, True, forum, False)
        if missing:  # refused now, rather than accepted and then never posted
            raise BadInput(f"I can't post in <#{channel.id}>: I need the **{missing}** permission there (channel "
                           "settings → Permissions). Nothing was set up; grant it and run /feed post again.")
        await asyncio.to_thread(self.deps.state.subscriptions.add_feed, interaction.guild_id, channel.id, scope, name,
                                (include or "").strip(), (exclude or "").strip(), interaction.user.id)
        lines = [f"New articles of **{escape_line(name)}** will be posted in <#{channel.id}> as they arrive "
                 f"(at most {self.deps.limits.posts_per_refresh} per refresh; the rest are counted in one line)."]
        lines += [f"Only: `{clip(include, 100)}`"] if include else []
        lines += [f"Never: `{clip(exclude, 100)}`"] if exclude else []
        lines.append("Each story is a post of its own in the forum; a later article of it is a reply there."
                     if forum else "Each post opens a thread where I answer questions about that article first.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @feed.command(name="list", description="The feed channels of this server")
    @admin_only()
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        """Show the server's feed channels with their filters."""
        assert interaction.guild_id is not None
        feeds = await asyncio.to_thread(self.deps.state.subscriptions.feeds, interaction.guild_id)
        rows = [f"`{n}.` **{escape_line(f.source)}**{' (shared)' if f.scope.is_shared else ''} → <#{f.channel_id}>"
                + (f" · only `{clip(f.include, 60)}`" if f.include else "")
                + (f" · never `{clip(f.exclude, 60)}`" if f.exclude else "") for n, f in enumerate(feeds, 1)]
        text = list_lines(rows, "No feed channels yet: set one up with /feed post.")
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @feed.command(name="remove", description="Stop posting a source into a channel")
    @app_commands.describe(feed="The feed channel to stop (see /feed list)")
    @admin_only()
    async def remove(self, interaction: discord.Interaction, feed: str) -> None:
        """Stop one feed channel of this server."""
        assert interaction.guild_id is not None
        removed = await asyncio.to_thread(self._remove, interaction.guild_id, parse_id(feed, "feed"))
        text = "Stopped: nothing more will be posted by that feed." if removed else \
            "This server has no such feed; see /feed list."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    def _remove(self, guild_id: int, number: int) -> bool:
        """Stop the server's feed shown as `number` by /feed list (1, 2, …); False when there is none."""
        feeds = self.deps.state.subscriptions.feeds(guild_id)
        return 1 <= number <= len(feeds) and self.deps.state.subscriptions.remove_feed(guild_id, feeds[number - 1].id)

    @post.autocomplete("source")
    async def source_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The sources this server may post: its own, then the shared ones."""
        if interaction.guild_id is None:
            return []
        try:
            statuses = await asyncio.wait_for(
                asyncio.to_thread(self.deps.service.sources, [own_scope(interaction), Scope.SHARED]), 2.0)
        except Exception:
            log.warning("autocomplete of sources failed", exc_info=True)
            return []
        names = list(dict.fromkeys(s.name for s in statuses if current.lower() in s.name.lower()))
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]

    @remove.autocomplete("feed")
    async def feed_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """This server's feed channels, for an admin."""
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        if interaction.guild_id is None or not is_admin(interaction.permissions, roles, self.deps.admin_role_ids):
            return []
        feeds = await asyncio.to_thread(self.deps.state.subscriptions.feeds, interaction.guild_id)
        channel_name = {c.id: c.name for c in getattr(interaction.guild, "channels", [])}
        choices = [(f"{n}. {f.source} → #{channel_name.get(f.channel_id, f.channel_id)}", str(n))
                   for n, f in enumerate(feeds, 1)]
        return [app_commands.Choice(name=n[:100], value=v) for n, v in choices if current.lower() in n.lower()][:25]
