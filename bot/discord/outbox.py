"""Posting what the bot pushes (alerts, digests) into a channel: the one small interface the pushing cogs use.

`Outbox.send` posts one message (plain content and/or embed dicts, never pinging anyone) and says whether
it was posted; a channel that is gone or refuses the bot is logged, not raised, so one server's broken
channel never stops the loop that serves the others. `key` names the message for a ledger of what was
already posted (the pushing cogs claim each alert and digest in guilds.sqlite3 before posting).
"""
from __future__ import annotations

import logging
from typing import Any, Protocol, Sequence

import discord

from bot.discord.errors import NO_MENTIONS

log = logging.getLogger("newsbot.discord")


class Outbox(Protocol):
    """Where pushed messages go."""

    async def send(self, channel_id: int, *, content: str = "", embeds: Sequence[dict[str, Any]] = (),
                   key: str = "") -> bool:
        """Post one message to a channel; False when it could not be posted."""


class ChannelOutbox:
    """Posts through the discord.py client, with allowed_mentions=none."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send(self, channel_id: int, *, content: str = "", embeds: Sequence[dict[str, Any]] = (),
                   key: str = "") -> bool:
        """Post one message to a channel; False (logged) when the channel is gone or refuses the bot."""
        try:
            channel = self.client.get_channel(channel_id) or await self.client.fetch_channel(channel_id)
            await channel.send(content or None, embeds=[discord.Embed.from_dict(e) for e in embeds],  # type: ignore[union-attr]
                               allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as exc:
            log.warning("cannot post %s in channel %s: missing permission (%s)", key or "a message", channel_id, exc.text)
            return False
        except discord.HTTPException as exc:
            log.warning("could not post %s in channel %s: %s %s", key or "a message", channel_id, exc.status, exc.text)
            return False
        return True
