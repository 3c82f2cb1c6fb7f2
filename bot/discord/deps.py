"""What the cogs, views and checks of the Discord adapter use, as one frozen bundle built by `app.py`.

Cogs get the `Deps` (and the discord.py client for Discord's own calls), never the `NewsBot` object, so
no module of the adapter imports `app.py` and nobody reaches through the bot as a service locator.
Checks and the command tree, which discord.py hands only an `Interaction`, use `deps_of(client)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from discord.ext import commands

from bot.discord.conversations import AnswerCache, Conversations
from bot.discord.limits import Admission, Limits
from bot.discord.push.news_relay import NewsRelay
from bot.discord.push.poster import ChannelPoster
from bot.discord.push.shards import Shards
from bot.discord.rules import Access
from bot.state import AdapterState
from index.port import FeedbackPort, NewsPort


@dataclass(frozen=True)
class Deps:
    """The core's port and the adapter's own state, shared by every cog and view of one bot."""

    service: NewsPort
    feedback: FeedbackPort
    access: Access
    state: AdapterState  # what the adapter keeps: servers' settings, posts, feeds, follows, alerts, schedules
    limits: Limits
    admission: Admission
    conversations: Conversations
    answers: AnswerCache
    admin_role_ids: frozenset[int]
    start_threads: bool
    forget_after: timedelta
    poster: ChannelPoster  # everything the bot posts unprompted (bot/discord/push/poster.py)
    relay: NewsRelay  # new articles -> feed channels and follows (bot/discord/push/news_relay.py)
    shards: Shards  # the servers whose pushed work this process does (bot/discord/push/shards.py)
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)  # aware UTC; tests inject their own


def deps_of(client: Any) -> Deps:
    """The Deps of the bot that received an interaction (`interaction.client`)."""
    deps = getattr(client, "deps", None)
    if not isinstance(deps, Deps):
        raise TypeError(f"{type(client).__name__} carries no newsbot Deps")
    return deps


class DepsCog(commands.Cog):
    """A cog of the bot: the discord.py client for Discord's own calls, the Deps for everything else."""

    def __init__(self, bot: commands.Bot, deps: Deps) -> None:
        self.bot = bot
        self.deps = deps
