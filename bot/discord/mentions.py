"""Questions asked in messages: `@newsbot …`, replies to the bot's answers, and messages in its threads."""
from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.discord.access import answers_message, scopes_of
from bot.discord.answers import reply_answer
from bot.discord.errors import NO_MENTIONS, reply_error_to_message
from bot.discord.parsing import strip_mentions
from bot.discord.render import clip
from index.types import Turn
from bot.discord.deps import DepsCog

log = logging.getLogger("newsbot.discord")
HELP = "Ask me about the news, e.g. `@newsbot what did Putin agree to?` (or use `/ask`)."


class MentionListener(DepsCog):
    """Answers mentions; replies to its answers and messages in threads it started are follow-ups."""

    def _history(self, message: discord.Message) -> tuple[Turn, ...] | None:
        """Earlier turns if `message` follows up a conversation of the bot, else None."""
        me = self.bot.user
        ref = message.reference.message_id if message.reference else None
        known = self.deps.conversations.history(message.channel.id, ref)
        if known is not None:
            return known
        # Not in memory (e.g. after a restart): still a follow-up, without the earlier turns.
        if isinstance(message.channel, discord.Thread) and me is not None and message.channel.owner_id == me.id:
            return ()
        resolved = message.reference.resolved if message.reference else None
        if isinstance(resolved, discord.Message) and me is not None and resolved.author.id == me.id:
            return ()
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer the message if it mentions the bot or follows up one of its conversations."""
        me = self.bot.user
        if message.author.bot or me is None or not answers_message(self.deps, message):
            return
        history = self._history(message)
        direct = isinstance(message.channel, discord.DMChannel) or any(u.id == me.id for u in message.mentions)
        if history is None and not direct:
            return
        try:
            in_thread = history is not None and isinstance(message.channel, discord.Thread)
            await self._answer(message, history or (), in_thread)
        except Exception as error:  # one handler: friendly line for the user, details in the log
            await reply_error_to_message(self.bot, message, error)

    async def _answer(self, message: discord.Message, history: tuple[Turn, ...], in_thread: bool) -> None:
        question = strip_mentions(message.content, self.bot.user.id)  # type: ignore[union-attr]
        if not question:
            await message.reply(HELP, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        # In the thread of a posted article, questions are about that article first.
        article = await asyncio.to_thread(self.deps.state.ledger.article_of_thread, message.channel.id) \
            if in_thread else None
        language = await asyncio.to_thread(self.deps.state.servers.language, message.guild.id) \
            if message.guild else None  # for a question whose own language cannot be told
        async with self.deps.admission.admit(message.author.id) as ticket:
            async with message.channel.typing():
                answer = await ticket.run(self.deps.service.ask, question, history,
                                          scopes=scopes_of(message.guild.id if message.guild else None),
                                          language=language, **({"article": article} if article else {}))
        sent = await reply_answer(self.deps, message, answer, question)
        turns = self.deps.conversations.record([m.id for m in sent], history, Turn(question, answer.text),
                                               message.channel.id if in_thread else None)
        if not in_thread and len(turns) == 1:
            await self._start_thread(sent[0], question, turns)

    async def _start_thread(self, answer_message: discord.Message, question: str, turns: tuple[Turn, ...]) -> None:
        """Open a thread on the answer so that the conversation can go on there."""
        if not self.deps.start_threads or not isinstance(answer_message.channel, discord.TextChannel):
            return
        try:
            thread = await answer_message.create_thread(name=clip(question, 100))
        except discord.HTTPException:
            log.warning("could not start a thread on message %s", answer_message.id, exc_info=True)
            return
        self.deps.conversations.record((), turns[:-1], turns[-1], thread_id=thread.id)
