"""One poster for everything the bot posts unprompted: feed posts, follow notices, digests, alerts.

- **Pace**: at most 5 messages per 5 s in a channel (Discord's per-channel limit), and this process's share of
  Discord's global limit in all channels (bot/discord/push/pace.py); more wait in line, in
  order, and none is dropped. The clock and the sleep are injectable, so tests need no real time.
- **No pings**: every message is sent with allowed_mentions=none. Callers build the text with
  `bot/discord/text.py` (`escape_line`, `escape_markdown`): articles are untrusted.
- **Permissions**: before posting, the channel's permissions for the bot are checked (View Channel, Send
  Messages, Embed Links, Create Public Threads); a missing one, or Discord's 403 (50013 Missing Permissions,
  50001 Missing Access), drops the post and is reported once per channel and permission (one line naming the
  permission), across restarts and processes, until a post there succeeds again: in the server's `/alerts`
  channel when it has one, else by DM to the member who set the thing up (bot/discord/push/permission_notice.py).
- **Once**: every post goes through the ledger (bot/state/ledger.py, where what a crash does is explained): an
  item already posted to a channel is not posted again, after a restart or by another process included.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import discord

from bot.discord.errors import NO_MENTIONS
from bot.discord.push.pace import GLOBAL_POSTS_PER_SECOND, Pace
from bot.discord.push.permission_notice import Missing, dm_owner, missing_permission
from bot.state.ledger import PostLedger
from bot.state.push import AlertRecords

log = logging.getLogger("newsbot.discord.push.poster")


@dataclass(frozen=True)
class Outgoing:
    """One message to post: text and embed dicts (JSON, so that a pending post survives a restart)."""

    content: str = ""
    embeds: tuple[dict, ...] = ()
    thread_name: str = ""  # open a public thread on it (in a forum channel: the post's title)
    article_id: str = ""  # the article it is about: questions in its thread are about that article first
    story_articles: tuple[str, ...] = ()  # the other articles of its story: in a forum, it joins their post

    def to_json(self) -> dict:
        """The message as JSON (the ledger keeps it)."""
        return {"content": self.content, "embeds": list(self.embeds), "thread_name": self.thread_name,
                "article_id": self.article_id, "story_articles": list(self.story_articles)}

    @classmethod
    def from_json(cls, data: dict) -> "Outgoing":
        """The message the ledger kept."""
        return cls(data.get("content", ""), tuple(data.get("embeds", ())), data.get("thread_name", ""),
                   data.get("article_id", ""), tuple(data.get("story_articles", ())))


@dataclass(frozen=True)
class Target:
    """Where a post goes: a channel of a server, or a DM to a member (on behalf of a server)."""

    guild_id: int
    channel_id: int | None = None
    user_id: int | None = None

    @property
    def channel(self) -> str:
        """The ledger's name of the destination."""
        return f"@{self.user_id}" if self.user_id is not None else str(self.channel_id)

    @classmethod
    def of(cls, guild_id: int, channel: str) -> "Target":
        """The target named `channel` in the ledger."""
        if channel.startswith("@"):
            return cls(guild_id, user_id=int(channel[1:]))
        return cls(guild_id, channel_id=int(channel))




def nonce_of(guild_id: int, channel: str, key: str) -> str:
    """The message nonce of one ledger entry: the same on every retry (Discord allows 25 characters)."""
    return hashlib.sha256(f"{guild_id}/{channel}/{key}".encode()).hexdigest()[:25]


class ChannelPoster:
    """Posts for the bot: paced per channel, checked for permissions, at most once per item."""

    def __init__(self, client: discord.Client, ledger: PostLedger, alerts: AlertRecords, *,
                 per_second: int | None = GLOBAL_POSTS_PER_SECOND, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.client = client
        self.ledger = ledger
        self.alerts = alerts  # where a server wants a missing permission reported
        self.pace = Pace(per_second=per_second)  # per channel, and this process's share of the global limit
        self._clock = clock
        self._sleep = sleep
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def post(self, target: Target, key: str, message: Outgoing,
                   owner_id: int | None = None) -> discord.Message | None:
        """Post `message` once under `key`: None when it was posted before or could not be posted (a missing
        permission is reported; a failure leaves it pending, sent again at the next start)."""
        async with self._locks[target.channel]:  # in the order of the calls, per channel
            claimed = await asyncio.to_thread(self.ledger.claim, target.guild_id, target.channel, key,
                                              message.to_json(), owner_id, message.article_id)
            sent = await self._send(target, key, message, owner_id) if claimed else None
        return await self._finish(sent, target, key, message, owner_id)

    async def replay(self, serves: Callable[[int], bool] = lambda server_id: True) -> int:
        """Send the posts a crash or a failure left pending (bot/state/ledger.py) for the servers this process
        `serves`; returns how many were sent."""
        sent = 0
        for row in await asyncio.to_thread(self.ledger.pending):
            if not serves(row.guild_id):
                continue
            message, target = Outgoing.from_json(row.payload), Target.of(row.guild_id, row.channel)
            async with self._locks[target.channel]:
                posted = await self._send(target, row.key, message, row.owner_id)
            sent += await self._finish(posted, target, row.key, message, row.owner_id) is not None
        return sent

    async def _send(self, target: Target, key: str, message: Outgoing,
                    owner_id: int | None) -> tuple[discord.Message, Any] | None:
        """Post in the channel (its lock held): (message, forum thread or None), None when not posted."""
        channel = await self._resolve(target, key, owner_id)
        if channel is None:
            return None
        channel = await self._story_thread(channel, message, target)
        forum = isinstance(channel, discord.ForumChannel)
        if target.user_id is None and await self._lacks(channel, message, forum, target, key, owner_id):
            return None
        while (wait := self.pace.reserve(target.channel, self._clock())) > 0:
            await self._sleep(wait)
        sent, thread = await self._deliver(channel, message, forum, target, key, owner_id)
        if sent is None:
            return None
        thread = channel if isinstance(channel, discord.Thread) else thread
        await asyncio.to_thread(self.ledger.confirm, target.guild_id, target.channel, key, sent.id)
        if target.user_id is None:
            await asyncio.to_thread(self.ledger.clear_problems, target.guild_id, channel.id)
        return sent, thread

    async def _finish(self, posted: tuple[discord.Message, Any] | None, target: Target, key: str,
                      message: Outgoing, owner_id: int | None) -> discord.Message | None:
        """Open the post's thread (outside the channel's line) and remember it in the ledger."""
        if posted is None:
            return None
        sent, thread = posted
        if thread is None and message.thread_name and target.user_id is None:
            thread = await self._open_thread(sent, message, target, owner_id)
        if thread is not None:
            await asyncio.to_thread(self.ledger.set_thread, target.guild_id, target.channel, key, thread.id)
        return sent

    async def _resolve(self, target: Target, key: str, owner_id: int | None) -> Any:
        """The channel (or DM channel) to post in; None (logged or reported) when there is none to use."""
        try:
            if target.user_id is not None:
                user = self.client.get_user(target.user_id) or await self.client.fetch_user(target.user_id)
                return user.dm_channel or await user.create_dm()
            assert target.channel_id is not None
            return self.client.get_channel(target.channel_id) or await self.client.fetch_channel(target.channel_id)
        except discord.Forbidden:
            await self._tell(Missing(target.guild_id, target.channel_id or 0, "View Channel", owner_id), target, key)
        except discord.HTTPException:
            log.warning("cannot find %s of server %s to post in", target.channel, target.guild_id, exc_info=True)
        return None

    def is_forum(self, target: Target) -> bool:
        """True when the target is a forum channel the bot knows (its posts are threads)."""
        known = self.client.get_channel(target.channel_id) if target.channel_id is not None else None
        return target.user_id is None and isinstance(known, discord.ForumChannel)

    async def _story_thread(self, channel: Any, message: Outgoing, target: Target) -> Any:
        """In a forum, the thread of the post of an earlier article of the message's story (a later article
        is a reply there, not a new post); otherwise (or when that thread is gone) the channel itself."""
        if not isinstance(channel, discord.ForumChannel) or not message.story_articles:
            return channel
        thread_id = await asyncio.to_thread(self.ledger.thread_of, target.guild_id, target.channel,
                                            list(message.story_articles))
        if thread_id is None:
            return channel
        try:
            return channel.guild.get_thread(thread_id) or await self.client.fetch_channel(thread_id)
        except discord.HTTPException:
            log.info("the story thread %s of %s is gone: a new post", thread_id, target.channel)
            return channel

    async def _lacks(self, channel: Any, message: Outgoing, forum: bool, target: Target, key: str,
                     owner_id: int | None) -> bool:
        me = channel.guild.me
        in_thread = isinstance(channel, discord.Thread)
        name = missing_permission(channel.permissions_for(me), bool(message.embeds), bool(message.thread_name), forum,
                                  in_thread)
        if name is not None:
            await self._tell(Missing(target.guild_id, channel.id, name, owner_id), target, key)
        return name is not None

    async def _deliver(self, channel: Any, message: Outgoing, forum: bool, target: Target, key: str,
                       owner_id: int | None) -> tuple[discord.Message | None, Any]:
        """(the message, the forum post's thread) as Discord created them; (None, None) on a failure."""
        embeds = [discord.Embed.from_dict(e) for e in message.embeds]
        content = message.content or None
        try:
            if forum:
                made = await channel.create_thread(name=message.thread_name[:100] or "News", content=content,
                                                   embeds=embeds, allowed_mentions=NO_MENTIONS)
                return made.message, made.thread
            nonce = nonce_of(target.guild_id, target.channel, key)
            return await channel.send(content=content, embeds=embeds, allowed_mentions=NO_MENTIONS,
                                      nonce=nonce), None
        except discord.Forbidden as exc:
            await self._forbidden(exc, target, getattr(channel, "id", 0), "Send Messages", owner_id, key)
        except discord.HTTPException:
            log.warning("could not post %s to %s of server %s; it is sent again at the next start", key,
                        target.channel, target.guild_id, exc_info=True)
        return None, None

    async def _open_thread(self, sent: discord.Message, message: Outgoing, target: Target,
                           owner_id: int | None) -> Any:
        try:
            return await sent.create_thread(name=message.thread_name[:100])
        except discord.Forbidden as exc:
            await self._forbidden(exc, target, sent.channel.id, "Create Public Threads", owner_id, "thread")
        except discord.HTTPException:
            log.warning("could not open a thread on message %s", sent.id, exc_info=True)
        return None

    async def _forbidden(self, exc: discord.Forbidden, target: Target, channel_id: int, permission: str,
                         owner_id: int | None, key: str) -> None:
        """Discord's 403: a permission (50013), access to the channel (50001), or a member's closed DMs."""
        if target.user_id is not None:  # 50007: the member does not accept DMs from the bot
            log.info("member %s does not accept DMs; %s not sent", target.user_id, key)
            await asyncio.to_thread(self.ledger.drop, target.guild_id, target.channel, key)
            return
        name = "View Channel" if exc.code == 50001 else permission
        await self._tell(Missing(target.guild_id, channel_id, name, owner_id), target, key)

    async def _tell(self, problem: Missing, target: Target, key: str) -> None:
        """The post is dropped (not sent again when the permission is granted: it would be stale); the missing
        permission is reported once per channel and permission, in any process, until a post there succeeds:
        in the server's /alerts channel when it has another one, else by DM to who set the thing up."""
        await asyncio.to_thread(self.ledger.drop, target.guild_id, target.channel, key)
        if not await asyncio.to_thread(self.ledger.note_problem, problem.guild_id, problem.channel_id,
                                       problem.permission):
            return
        log.warning("server %s: %s", problem.guild_id, problem.line())
        try:
            where = (await asyncio.to_thread(self.alerts.channels)).get(problem.guild_id)
            if where is not None and where[0] != problem.channel_id:
                key = f"missing:{problem.channel_id}:{problem.permission}"
                await self.post(Target(problem.guild_id, where[0]), key, Outgoing(content=problem.line()), where[1])
            else:
                await dm_owner(self.client, problem)
        except Exception:
            log.exception("could not report a missing permission in channel %s", problem.channel_id)
