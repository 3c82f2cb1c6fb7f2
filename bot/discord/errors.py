"""The one place where errors become what a Discord user sees: a short ephemeral message.

Expected failures (NewsbotError and its subclasses, failed checks) are shown as their one-line message;
anything else is logged with its traceback and the user gets a generic line. The bot keeps running.
The line is said in the member's language: the language of what they typed (the question, the topic)
when it can be told, else their server's (/language); an error that names its phrase (`NewsbotError.phrase`)
is said with it, an unreachable index or embedder as `index_unavailable`, and the rest as written.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Mapping

import discord
from discord import app_commands

from bot.discord.render import clip, no_previews
from index.errors import EmbedderUnavailable, NewsbotError, StoreUnavailable
from index.port import language_of

log = logging.getLogger("newsbot.discord")

GENERIC = "Sorry, something went wrong on my side. The details were logged; please try again later."
NO_MENTIONS = discord.AllowedMentions.none()
TYPED_OPTIONS = ("question", "target", "topic")  # the options whose text tells the member's language


class PhrasedCheckFailure(app_commands.CheckFailure):
    """A check that failed with a line for the member; `phrase` and `values` say it in their language, as
    `NewsbotError.phrase` does (the message stays the English line for the logs)."""

    def __init__(self, message: str, *, phrase: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.phrase = phrase
        self.values = values


def unwrap(error: BaseException) -> BaseException:
    """The underlying error of discord.py's wrappers (CommandInvokeError, TransformerError…)."""
    while isinstance(error, (app_commands.CommandInvokeError, app_commands.TransformerError)) \
            and error.__cause__ is not None:
        error = error.__cause__
    return getattr(error, "original", error)


def _phrased(error: BaseException, words: Mapping[str, str]) -> str | None:
    """`error`'s line in `words` (NewsPort.phrases), or None when it names no phrase `words` has."""
    phrase = getattr(error, "phrase", None)
    if phrase is None and isinstance(error, (StoreUnavailable, EmbedderUnavailable)):
        phrase = "index_unavailable"  # its detail (which store, which exception) is for the log
    if phrase not in words:
        return None
    try:
        return words[phrase].format(**getattr(error, "values", {}))
    except (KeyError, IndexError, ValueError):  # a phrase and its values out of step: the English line
        log.warning("phrase %r cannot take the values %r", phrase, getattr(error, "values", {}))
        return None


def user_message(error: BaseException, context: str = "", words: Mapping[str, str] | None = None) -> str:
    """The short line to show for `error`, in `words` when given (`NewsPort.phrases` of the member's
    language); logs it (with a traceback when it was not expected)."""
    error = unwrap(error)
    if isinstance(error, (NewsbotError, app_commands.CheckFailure)):
        expected = "check failed" if isinstance(error, app_commands.CheckFailure) else type(error).__name__
        log.info("%s: %s: %s", context, expected, error)
        said = _phrased(error, words) if words else None
        fallback = "You can't use this command here." if isinstance(error, app_commands.CheckFailure) \
            else type(error).__name__
        return no_previews(clip(said or str(error) or fallback, 400))
    log.error("%s: unexpected error", context, exc_info=error)
    return words.get("went_wrong", GENERIC) if words else GENERIC


async def member_words(client: Any, typed: str | None, guild_id: int | None) -> Mapping[str, str] | None:
    """The phrases to tell this member something in: the language of what they `typed` when it can be
    told, else their server's; None when `client` is not newsbot's (then lines stay as written)."""
    deps = getattr(client, "deps", None)
    if deps is None:
        return None
    language = language_of(typed) if typed else None
    if language is None and guild_id is not None:
        try:
            language = await asyncio.to_thread(deps.state.servers.language, guild_id)
        except Exception:  # the store that failed may be this one: the default language then
            log.debug("the server's language could not be read for an error reply", exc_info=True)
    return deps.service.phrases(language)


def _typed(interaction: discord.Interaction) -> str | None:
    """What the member typed into the command's text option, if it has one."""
    for name in TYPED_OPTIONS:
        value = getattr(interaction.namespace, name, None)
        if isinstance(value, str) and value.strip():
            return value
    return None


async def reply_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user of `interaction` what went wrong, ephemerally, whatever state the interaction is in."""
    name = interaction.command.qualified_name if interaction.command else (interaction.data or {}).get("custom_id")
    words = await member_words(interaction.client, _typed(interaction), interaction.guild_id)
    text = user_message(error, f"interaction {name!r} by user {interaction.user.id}", words)
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        if interaction.response.type == discord.InteractionResponseType.deferred_channel_message:
            # Replace the public "thinking…" placeholder by a message only the user sees.
            try:
                await interaction.delete_original_response()
            except discord.HTTPException:
                pass
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not tell user %s about an error", interaction.user.id, exc_info=True)


async def reply_error_to_message(client: Any, message: discord.Message, error: BaseException) -> None:
    """Answer a message (a mention or a follow-up) to newsbot's `client` with the short line for `error`."""
    words = await member_words(client, message.content, message.guild.id if message.guild else None)
    text = user_message(error, f"message {message.id} by user {message.author.id}", words)
    try:
        await message.reply(text, allowed_mentions=NO_MENTIONS, mention_author=False)
    except discord.HTTPException:
        log.warning("could not reply to message %s about an error", message.id, exc_info=True)


class NewsTree(app_commands.CommandTree):
    """The command tree, with the one error handler of the bot's application commands."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Translate any command error into a short ephemeral message."""
        await reply_error(interaction, error)
