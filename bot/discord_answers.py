"""Posting a rendered answer: as interaction followups, or as a reply to a message."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.discord_errors import NO_MENTIONS
from bot.discord_views import AnswerButtons, embeds
from bot.render import answer_messages
from index.types import Answer

if TYPE_CHECKING:
    from bot.discord_app import NewsBot


def _parts(bot: "NewsBot", answer: Answer, question: str) -> list[dict[str, Any]]:
    """Keyword arguments of each message of an answer; the buttons go under the last one."""
    messages = answer_messages(answer, question)
    parts: list[dict[str, Any]] = [{"embeds": embeds(m), "allowed_mentions": NO_MENTIONS} for m in messages]
    parts[-1]["view"] = AnswerButtons.layout(bot, answer)
    return parts


async def followup_answer(bot: "NewsBot", interaction: discord.Interaction, answer: Answer,
                          question: str) -> list[discord.Message]:
    """Send an answer through the followups of a deferred interaction; returns the messages sent."""
    sent = [await interaction.followup.send(wait=True, **kwargs) for kwargs in _parts(bot, answer, question)]
    bot.answers.remember(sent[-1].id, question, answer)
    return sent


async def reply_answer(bot: "NewsBot", message: discord.Message, answer: Answer,
                       question: str) -> list[discord.Message]:
    """Reply to `message` with an answer (several messages when it is long); returns the messages sent."""
    first, *rest = _parts(bot, answer, question)
    sent = [await message.reply(mention_author=False, **first)]
    for kwargs in rest:
        sent.append(await message.channel.send(**kwargs))
    bot.answers.remember(sent[-1].id, question, answer)
    return sent
