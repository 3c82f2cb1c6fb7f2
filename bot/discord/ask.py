"""The everyday commands: /ask, /summary (with autocomplete over titles) and /sources."""
from __future__ import annotations

import asyncio
import logging
from datetime import date

import discord
from discord import app_commands

from bot.discord.access import check_channel, scopes_of
from bot.discord.answers import StreamEdits, draft_editor, edit_answer, followup_answer
from bot.discord.errors import NO_MENTIONS
from bot.discord.parsing import parse_since
from bot.discord.views import embeds
from bot.discord.render import clip, sources_messages
from index.port import language_of
from index.types import ArticleRef, Turn
from bot.discord.deps import DepsCog

log = logging.getLogger("newsbot.discord")
AUTOCOMPLETE_SECONDS = 2.0  # Discord drops autocomplete answers after 3 s


def choice_for(ref: ArticleRef) -> app_commands.Choice[str]:
    """An autocomplete choice for an article: its title shown, its URL (or title) as the value."""
    value = ref.url if ref.url and len(ref.url) <= 100 else ref.title[:100]
    return app_commands.Choice(name=clip(ref.title, 100), value=value)


class AskCommands(DepsCog):
    """/ask, /summary and /sources: read the interaction, call one service function, render the result."""

    @app_commands.command(name="ask", description="Ask a question about the indexed news articles")
    @app_commands.describe(question="Your question, e.g. what did Putin agree to?",
                           since="Only articles published since: 3d, 2w, 1m or 2025-03-01")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 1000],
                  since: str | None = None) -> None:
        """Answer a question with cited passages (in a thread the bot started, as a follow-up)."""
        since_date = parse_since(since, date.today())
        check_channel(interaction)
        scopes = scopes_of(interaction.guild_id)
        thread_history = self.deps.conversations.of_thread(interaction.channel_id)
        history = thread_history or ()
        streaming = self.deps.service.streams()
        language = await self._language(interaction)  # for a question whose own language cannot be told
        async with self.deps.admission.admit(interaction.user.id) as ticket:
            await interaction.response.defer(thinking=True)
            if streaming:  # the answer appears as the model writes it; the final edit shows it checked
                note = self.deps.service.phrases(language_of(question) or language)["writing"]
                answer = await StreamEdits(draft_editor(interaction), note=note).run(
                    lambda: self.deps.service.ask_stream(question, history, scopes=scopes, since=since_date,
                                                         language=language),
                    ticket.run)
            else:
                answer = await ticket.run(self.deps.service.ask, question, history, scopes=scopes, since=since_date,
                                          language=language)
        post = edit_answer if streaming else followup_answer
        sent = await post(self.deps, interaction, answer, question)
        thread_id = interaction.channel_id if thread_history is not None else None
        self.deps.conversations.record([m.id for m in sent], history, Turn(question, answer.text), thread_id)

    @app_commands.command(name="summary", description="Summarise an article or a topic")
    @app_commands.describe(target="An article (start typing its title) or a topic",
                           since="Only articles published since: 3d, 2w, 1m or 2025-03-01")
    async def summary(self, interaction: discord.Interaction, target: app_commands.Range[str, 1, 300],
                      since: str | None = None) -> None:
        """Summarise one article, or what the articles say about a topic."""
        check_channel(interaction)
        since_date = parse_since(since, date.today())
        language = await self._language(interaction)  # summaries are in the server's language (/language)
        async with self.deps.admission.admit(interaction.user.id) as ticket:
            await interaction.response.defer(thinking=True)
            answer = await ticket.run(self.deps.service.summarize, target, since_date, scopes_of(interaction.guild_id),
                                      language)
        heading = self.deps.service.phrases(language)["summary_of"].format(target=target)
        sent = await followup_answer(self.deps, interaction, answer, heading)
        self.deps.conversations.record([m.id for m in sent], (), Turn(f"Summarise {target}", answer.text))

    @summary.autocomplete("target")
    async def summary_target(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Indexed article titles starting with (or containing) what the user typed."""
        try:
            refs = await asyncio.wait_for(asyncio.to_thread(self.deps.service.titles, current, 25,
                                                            scopes_of(interaction.guild_id)), AUTOCOMPLETE_SECONDS)
        except Exception:  # an empty list is the only useful answer to a failed autocomplete
            log.warning("autocomplete of titles failed for %r", current, exc_info=True)
            return []
        return [choice_for(ref) for ref in refs[:25]]

    async def _language(self, interaction: discord.Interaction) -> str | None:
        """The server's language (/language); None in a DM or when its admins chose none."""
        if interaction.guild_id is None:
            return None
        return await asyncio.to_thread(self.deps.state.servers.language, interaction.guild_id)

    @app_commands.command(name="sources", description="List the news sources, their article counts and freshness")
    async def sources(self, interaction: discord.Interaction) -> None:
        """List the shared sources and this server's own, with article counts and when they were last indexed."""
        await interaction.response.defer(thinking=True)
        statuses = await asyncio.to_thread(self.deps.service.sources, scopes_of(interaction.guild_id))
        for message in sources_messages(statuses):
            await interaction.followup.send(embeds=embeds(message), allowed_mentions=NO_MENTIONS)
