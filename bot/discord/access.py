"""Where the bot answers, applied to Discord objects: the command tree's check (servers outside
NEWSBOT_GUILD_IDS, DMs), the channel rules of /ask and /summary, and the scopes a question may see."""
from __future__ import annotations

from typing import Any

import discord

from bot.discord.rules import where_to_ask, where_to_ask_phrase
from bot.discord.errors import NewsTree, PhrasedCheckFailure
from index.types import Scope
from bot.discord.deps import Deps, deps_of


class NotHere(PhrasedCheckFailure):
    """The bot does not answer here (a DM, a server that is not enabled, a channel its admins excluded)."""


def scopes_of(guild_id: int | None) -> tuple[Scope, ...]:
    """The source scopes a question asked in server `guild_id` (None: a DM) is answered from."""
    return Scope.visible_from(guild_id)


def vote_scope(guild_id: int | None) -> Scope:
    """The scope a vote given in server `guild_id` is filed under (its server's; the shared scope in a DM),
    so that `newsbot feedback --by server` reads the server back (bot/output.py) and never mixes two."""
    return Scope.SHARED if guild_id is None else Scope.server(guild_id)


def own_scope(interaction: discord.Interaction) -> Scope:
    """The scope of the server an admin command was run in (admin commands are guild-only)."""
    assert interaction.guild_id is not None
    return Scope.server(interaction.guild_id)


def channel_refusal(deps: Deps, guild_id: int | None, channel: Any, channel_id: int | None) -> NotHere | None:
    """Why the bot does not answer questions in this channel (the error to raise), or None when it does."""
    if guild_id is None:
        return None
    rules = deps.state.servers.channel_rules(guild_id)
    if rules.permits(channel_id, getattr(channel, "parent_id", None)):
        return None
    phrase, values = where_to_ask_phrase(rules)
    return NotHere(where_to_ask(rules), phrase=phrase, **values)


def check_channel(interaction: discord.Interaction) -> None:
    """Raise NotHere (shown ephemerally) when the bot does not answer questions in this channel."""
    refusal = channel_refusal(deps_of(interaction.client), interaction.guild_id, interaction.channel,
                              interaction.channel_id)
    if refusal is not None:
        raise refusal


def answers_message(deps: Deps, message: discord.Message) -> bool:
    """True when the bot may answer this message: an enabled server, a permitted channel, or an allowed DM."""
    guild_id = message.guild.id if message.guild else None
    if deps.access.refusal(guild_id) is not None:
        return False
    return channel_refusal(deps, guild_id, message.channel, message.channel.id) is None


class ScopedTree(NewsTree):
    """The command tree: refuses every command in DMs (unless allowed) and in servers that are not enabled."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Let the interaction through, or raise NotHere with the reason (one ephemeral line)."""
        access = deps_of(interaction.client).access
        refusal = access.refusal(interaction.guild_id)
        if refusal and interaction.type is discord.InteractionType.autocomplete:
            return False  # an autocomplete gets no choices, not a message
        if refusal:
            raise NotHere(refusal, phrase=access.refusal_phrase(interaction.guild_id))
        return True
