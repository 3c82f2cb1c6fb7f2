"""The one place where errors become what a Discord user sees: a short ephemeral message.

Expected failures (NewsbotError and its subclasses, failed checks) are shown as their one-line message;
anything else is logged with its traceback and the user gets a generic line. The bot keeps running.
"""
from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord.render import clip, no_previews
from index.errors import NewsbotError

log = logging.getLogger("newsbot.discord")

GENERIC = "Sorry, something went wrong on my side. The details were logged; please try again later."
NO_MENTIONS = discord.AllowedMentions.none()


def unwrap(error: BaseException) -> BaseException:
    """The underlying error of discord.py's wrappers (CommandInvokeError, TransformerError…)."""
    while isinstance(error, (app_commands.CommandInvokeError, app_commands.TransformerError)) \
            and error.__cause__ is not None:
        error = error.__cause__
    return getattr(error, "original", error)


def user_message(error: BaseException, context: str = "") -> str:
    """The short line to show for `error`; logs it (with a traceback when it was not expected)."""
    error = unwrap(error)
    if isinstance(error, NewsbotError):
        log.info("%s: %s: %s", context, type(error).__name__, error)
        return no_previews(clip(str(error) or type(error).__name__, 400))
    if isinstance(error, app_commands.CheckFailure):
        log.info("%s: check failed: %s", context, error)
        return no_previews(clip(str(error) or "You can't use this command here.", 400))
    log.error("%s: unexpected error", context, exc_info=error)
    return GENERIC


async def reply_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user of `interaction` what went wrong, ephemerally, whatever state the interaction is in."""
    name = interaction.command.qualified_name if interaction.command else (interaction.data or {}).get("custom_id")
    text = user_message(error, f"interaction {name!r} by user {interaction.user.id}")
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


async def reply_error_to_message(message: discord.Message, error: BaseException) -> None:
    """Answer a message (a mention or a follow-up) with the short line for `error`."""
    text = user_message(error, f"message {message.id} by user {message.author.id}")
    try:
        await message.reply(text, allowed_mentions=NO_MENTIONS, mention_author=False)
    except discord.HTTPException:
        log.warning("could not reply to message %s about an error", message.id, exc_info=True)


class NewsTree(app_commands.CommandTree):
    """The command tree, with the one error handler of the bot's application commands."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Translate any command error into a short ephemeral message."""
        await reply_error(interaction, error)
