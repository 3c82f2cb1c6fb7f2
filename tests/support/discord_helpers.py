"""Small readers of what the fake recorded, shared by the end-to-end tests."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from tests.support.fake_discord import EPHEMERAL, FakeDiscord, FakeInteraction

DEADLINE = 3.0  # Discord drops interactions not acknowledged within 3 s


def text_of(message: dict[str, Any]) -> str:
    """Everything a user reads in a message: content, embed titles, descriptions, fields and footers."""
    parts = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        parts += [e.get("title", ""), e.get("description", ""), (e.get("footer") or {}).get("text", "")]
        parts += [f["name"] + " " + f["value"] for f in e.get("fields", [])]
    return "\n".join(p for p in parts if p)


def reply_text(inter: FakeInteraction) -> str:
    """The text of every message an interaction produced (its reply first), one per line."""
    return "\n".join(text_of(m) for m in inter.visible_messages())


def buttons(message: dict[str, Any]) -> list[str]:
    """custom_ids of the buttons on a message."""
    return [c.get("custom_id", "") for row in message.get("components", []) for c in row["components"]]


def is_ephemeral(payload: dict[str, Any]) -> bool:
    """Whether a callback's data or a followup asked for an ephemeral message."""
    return bool((payload.get("flags") or 0) & EPHEMERAL)


def assert_acknowledged_in_time(inter: FakeInteraction, expected_type: int) -> None:
    """The first response came before the 3 s deadline and was of the expected callback type."""
    assert inter.ack_type == expected_type, inter.acks
    assert inter.ack_delay is not None and inter.ack_delay < DEADLINE, inter.ack_delay
    assert inter.rejected_acks == 0


async def finished(fake: FakeDiscord, inter: FakeInteraction, followups: int = 1, timeout: float = 30) -> None:
    """Wait until the interaction has at least `followups` followup messages."""
    await fake.wait_for(lambda: len(inter.followups) >= followups, timeout)


def assert_never_pings(fake: FakeDiscord) -> None:
    """Every message the bot sent or edited disabled all mentions."""
    payloads = fake.message_payloads()
    assert payloads
    for payload in payloads:
        mentions = payload.get("allowed_mentions")
        assert mentions is not None and mentions["parse"] == [] and not mentions.get("replied_user"), payload


async def answered_with_buttons(fake: FakeDiscord, inter) -> None:
    """Wait for the final answer (it carries the quote and vote buttons), streamed or sent at once."""
    await fake.wait_for(lambda: any(m.get("components") and text_of(m) for m in inter.visible_messages()), 60)


async def until(predicate, timeout: float = 30.0):
    """Poll `predicate` (the bot posts in the background) until it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (found := predicate()):
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)
    return found


class Clock:
    """The bot's clock (`BotConfig.clock`), set and moved by the test: never real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now
