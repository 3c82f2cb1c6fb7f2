"""Posting a rendered answer: as interaction followups, or as a reply to a message."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Awaitable, Callable, Iterator

import discord

from bot.discord.errors import NO_MENTIONS
from bot.discord.views import AnswerButtons, embeds
from bot.discord.render import WRITING, answer_messages, draft_text
from index.types import Answer
from bot.discord.deps import Deps

log = logging.getLogger("newsbot.discord")
STREAM_EDIT_INTERVAL = 1.0  # seconds between edits of a streamed answer: Discord rate-limits message edits


def _parts(deps: Deps, answer: Answer, question: str) -> list[dict[str, Any]]:
    """Keyword arguments of each message of an answer, titled in its language; the buttons go under the last one."""
    messages = answer_messages(answer, question, deps.service.phrases(answer.language))
    parts: list[dict[str, Any]] = [{"embeds": embeds(m), "allowed_mentions": NO_MENTIONS} for m in messages]
    parts[-1]["view"] = AnswerButtons.layout(deps, answer)
    return parts


async def followup_answer(deps: Deps, interaction: discord.Interaction, answer: Answer,
                          question: str) -> list[discord.Message]:
    """Send an answer through the followups of a deferred interaction; returns the messages sent."""
    sent = [await interaction.followup.send(wait=True, **kwargs) for kwargs in _parts(deps, answer, question)]
    deps.answers.remember(sent[-1].id, question, answer)
    return sent


async def reply_answer(deps: Deps, message: discord.Message, answer: Answer,
                       question: str) -> list[discord.Message]:
    """Reply to `message` with an answer (several messages when it is long); returns the messages sent."""
    first, *rest = _parts(deps, answer, question)
    sent = [await message.reply(mention_author=False, **first)]
    for kwargs in rest:
        sent.append(await message.channel.send(**kwargs))
    deps.answers.remember(sent[-1].id, question, answer)
    return sent


class StreamEdits:
    """Shows text written in a worker thread by editing a message, at most once per `interval` seconds."""

    def __init__(self, edit: Callable[[str], Awaitable[object]], interval: float = STREAM_EDIT_INTERVAL,
                 note: str = WRITING) -> None:
        self._edit = edit
        self._note = note  # the line under each draft, in the answer's language
        self._interval = interval
        self._text = ""
        self._shown = ""
        self._changed = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._last_edit = float("-inf")

    def add(self, piece: str) -> None:
        """Append a piece of text; safe to call from any thread."""
        self._text += piece
        self._loop.call_soon_threadsafe(self._changed.set)

    async def _pump(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            text = self._text
            if text.strip() and text != self._shown:
                self._shown = text
                try:
                    await self._edit(draft_text(text, self._note))
                except discord.HTTPException:  # a missed draft is not worth failing the answer
                    log.warning("could not show the answer being written", exc_info=True)
                self._last_edit = self._loop.time()
                await asyncio.sleep(self._interval)

    async def run(self, items: Callable[[], Iterator[str | Answer]],
                  run: Callable[..., Awaitable[Answer]]) -> Answer:
        """Consume `items()` (text pieces, then the Answer) in a thread through `run`, showing the text.

        Returns once the next edit is allowed, so that the caller's final edit keeps the pace too.
        """
        def consume() -> Answer:
            answer = None
            for item in items():
                if isinstance(item, str):
                    self.add(item)
                else:
                    answer = item
            if answer is None:
                raise RuntimeError("the answer stream ended without an answer")
            return answer

        pump = asyncio.create_task(self._pump())
        try:
            answer = await run(consume)
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        await asyncio.sleep(max(0.0, self._last_edit + self._interval - self._loop.time()))
        return answer


def draft_editor(interaction: discord.Interaction) -> Callable[[str], Awaitable[object]]:
    """Shows a draft by editing the deferred interaction's message."""
    async def edit(text: str) -> object:
        return await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
    return edit


async def edit_answer(deps: Deps, interaction: discord.Interaction, answer: Answer,
                      question: str) -> list[discord.Message]:
    """Replace a deferred interaction's message (a streamed draft) by the checked answer; more parts follow."""
    first, *rest = _parts(deps, answer, question)
    sent: list[discord.Message] = [await interaction.edit_original_response(content=None, **first)]
    sent += [await interaction.followup.send(wait=True, **kwargs) for kwargs in rest]
    deps.answers.remember(sent[-1].id, question, answer)
    return sent
