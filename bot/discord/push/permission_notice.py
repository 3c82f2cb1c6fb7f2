"""A permission the bot lacks to post in a channel: which one (checked before posting), and the line that
tells the member who set the thing up, by DM, when the server has no /alerts channel."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from bot.discord.errors import NO_MENTIONS
from bot.discord.text import escape_line

log = logging.getLogger("newsbot.discord.push.poster")
PERMISSION_NAMES = {"view_channel": "View Channel", "send_messages": "Send Messages",
                    "send_messages_in_threads": "Send Messages in Threads", "embed_links": "Embed Links",
                    "create_public_threads": "Create Public Threads"}


@dataclass(frozen=True)
class Missing:
    """The bot lacks a permission it needs to post in a channel."""

    guild_id: int
    channel_id: int
    permission: str  # as Discord's settings name it, e.g. "Embed Links"
    owner_id: int | None = None  # who set up what was being posted

    def line(self) -> str:
        """The one line for the server's admins."""
        return (f"I can't post in <#{self.channel_id}>: I need the **{self.permission}** permission there "
                "(channel settings → Permissions).")


def missing_permission(permissions: discord.Permissions, with_embeds: bool, opens_thread: bool, forum: bool,
                       in_thread: bool) -> str | None:
    """The first permission the bot lacks to post a message (with embeds, opening a thread) in a channel (a
    forum, a thread), None when it has them all."""
    needed = ["view_channel", "send_messages_in_threads" if in_thread else "send_messages"]
    needed += ["embed_links"] if with_embeds else []
    needed += ["create_public_threads"] if opens_thread and not forum and not in_thread else []
    return next((PERMISSION_NAMES[p] for p in needed if not getattr(permissions, p)), None)


async def dm_owner(client: discord.Client, problem: Missing) -> None:
    """Tell the member who set the thing up, by DM (logged when they do not accept DMs)."""
    if problem.owner_id is None:
        return
    try:
        user = client.get_user(problem.owner_id) or await client.fetch_user(problem.owner_id)
        guild = client.get_guild(problem.guild_id)
        where = f" (server {escape_line(guild.name)})" if guild is not None else ""
        await user.send(problem.line() + where, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.info("could not tell member %s about it by DM", problem.owner_id)
