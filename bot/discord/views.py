"""Buttons: "Show quotes" and 👍/👎 under an answer, and the confirmation before removing a source."""
from __future__ import annotations

import asyncio
from typing import Any

import discord

from bot.discord.access import vote_scope
from bot.discord.errors import NO_MENTIONS, reply_error
from bot.discord.readback import language_of_titles, read_back, section_titles
from bot.discord.render import quotes_messages
from index.port import LANGUAGES
from index.types import Answer
from bot.discord.deps import Deps


def embeds(message: list[dict[str, Any]]) -> list[discord.Embed]:
    """discord.Embed objects from rendered embed dicts."""
    return [discord.Embed.from_dict(e) for e in message]


class AnswerButtons(discord.ui.View):
    """The buttons under every answer: one persistent view, registered once, that serves all messages.

    The answer behind a message is looked up by message id in `deps.answers`, so the buttons keep
    working as long as the answer is remembered; after a restart, votes still work (the question and
    answer are read back from the message, its titles in any language) and "Show quotes" says the passages
    are gone. The replies are in the answer's language (after a restart: the one its titles show, else the
    server's).
    """

    def __init__(self, deps: Deps) -> None:
        super().__init__(timeout=None)
        self.deps = deps

    @classmethod
    def layout(cls, deps: Deps, answer: Answer) -> "AnswerButtons":
        """The buttons to send under one answer (no Show quotes when nothing is cited), labelled in the answer's
        language; never dispatched (a click reaches the registered view by its custom id, whatever the label)."""
        view = cls(deps)
        if not answer.citations:
            view.remove_item(view.show_quotes)
        elif answer.language:
            view.show_quotes.label = deps.service.phrases(answer.language)["show_quotes"]
        view.stop()  # clicks go to the registered persistent view, not to this copy
        return view

    @discord.ui.button(label="Show quotes", style=discord.ButtonStyle.secondary, custom_id="newsbot:quotes")
    async def show_quotes(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Show the exact passages behind each [n], to the clicking user only."""
        known = self.deps.answers.get(interaction.message.id) if interaction.message else None
        if known is None:
            words = await self._words(interaction)
            await interaction.response.send_message(words["quotes_gone"], ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        first, *rest = quotes_messages(known[1], self.deps.service.phrases(known[1].language))
        await interaction.response.send_message(embeds=embeds(first), ephemeral=True, allowed_mentions=NO_MENTIONS)
        for message in rest:
            await interaction.followup.send(embeds=embeds(message), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @discord.ui.button(emoji="👍", style=discord.ButtonStyle.secondary, custom_id="newsbot:up")
    async def vote_up(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Record a 👍."""
        await self._vote(interaction, 1)

    @discord.ui.button(emoji="👎", style=discord.ButtonStyle.secondary, custom_id="newsbot:down")
    async def vote_down(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Record a 👎."""
        await self._vote(interaction, -1)

    async def _vote(self, interaction: discord.Interaction, vote: int) -> None:
        message = interaction.message
        if message is None or not self.deps.answers.first_vote(message.id, interaction.user.id):
            words = await self._words(interaction)
            await interaction.response.send_message(words["already_rated"], ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        words = await self._words(interaction)
        question, answer_text = self._question_and_answer(message)
        known = self.deps.answers.get(message.id)
        await asyncio.to_thread(self.deps.feedback.add, question, answer_text, interaction.user.id, vote,
                                scope=vote_scope(interaction.guild_id), place=str(interaction.channel_id or ""),
                                citations=await asyncio.to_thread(self.deps.service.citation_records,
                                                                  known[1].citations) if known else ())
        await interaction.followup.send(words["thanks"], ephemeral=True, allowed_mentions=NO_MENTIONS)

    def _question_and_answer(self, message: discord.Message) -> tuple[str, str]:
        known = self.deps.answers.get(message.id)
        if known is not None:
            question, answer = known
            return answer.question or question, answer.text
        sections = section_titles(self._every_language().values())
        return read_back([(e.title or "", e.description or "") for e in message.embeds], sections)

    def _every_language(self) -> dict[str, dict[str, str]]:
        """The phrases of every language (prompts/phrases/), by language code."""
        return {code: self.deps.service.phrases(code) for code in LANGUAGES}

    async def _words(self, interaction: discord.Interaction) -> dict[str, str]:
        """The phrases to reply in: the remembered answer's language; after a restart the language its titles
        show; else the server's (/language)."""
        message = interaction.message
        known = self.deps.answers.get(message.id) if message else None
        language = known[1].language if known else None
        if not language and message is not None:
            language = language_of_titles([e.title or "" for e in message.embeds], self._every_language())
        if not language and interaction.guild_id is not None:
            language = await asyncio.to_thread(self.deps.state.servers.language, interaction.guild_id)
        return self.deps.service.phrases(language)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        """Errors of the buttons go through the bot's one error handler."""
        await reply_error(interaction, error)


class ConfirmView(discord.ui.View):
    """Asks the admin who ran a destructive command to confirm it; `confirmed` is None on timeout."""

    def __init__(self, owner_id: int, action: str, timeout: float = 60.0) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.action = action
        self.confirmed: bool | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the user who ran the command may answer."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message("Only the admin who ran the command can confirm it.",
                                                ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger, custom_id="newsbot:confirm")
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Go ahead."""
        self.confirmed = True
        await interaction.response.edit_message(content=f"{self.action}…", view=None, allowed_mentions=NO_MENTIONS)
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="newsbot:cancel")
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        """Do nothing."""
        self.confirmed = False
        await interaction.response.edit_message(content="Cancelled: nothing was changed.", view=None,
                                                allowed_mentions=NO_MENTIONS)
        self.stop()

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        """Errors of the buttons go through the bot's one error handler."""
        await reply_error(interaction, error)
