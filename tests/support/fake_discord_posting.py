"""What FakeDiscord needs for the bot's own posts: channels of several types, permission overwrites, the
nonce that makes a message create idempotent, forum posts, threads on messages and DM channels.

Mixed into `tests.support.fake_discord.FakeDiscord`. Everything follows Discord's documented wire format:
- a channel's permissions for the bot are @everyone's role permissions with the channel's overwrites applied
  (the @everyone overwrite, then the member's own), and a request lacking one is answered 403 with
  code 50013 (Missing Permissions), or 50001 (Missing Access) without View Channel;
- `POST /channels/{c}/messages` with `nonce` and `enforce_nonce: true` returns the message already created
  with that nonce by the same author in the last few minutes instead of creating a second one;
- `POST /channels/{forum}/threads` (a forum post: a thread with its first message, `message` nested);
- `GET /users/{id}`; `POST /users/@me/channels` opens (or returns) the DM channel with a user; a user who does not accept
  DMs from the bot is answered 403 with code 50007 (Cannot send messages to this user).
"""
from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
NONCE_SECONDS = 300.0  # "the past few minutes" of Discord's documentation
TEXT, DM, FORUM = 0, 1, 15


class PostingRoutes:
    """Channels, overwrites, nonces, forum posts and DMs for FakeDiscord (a mixin: it uses its state)."""

    def _init_posting(self) -> None:
        self.channel_types: dict[str, int] = {}
        self.overwrites: dict[str, list[dict[str, Any]]] = {}
        self.dm_channels: dict[str, str] = {}  # user id -> DM channel id
        self.closed_dms: set[str] = set()  # user ids that do not accept DMs from the bot
        self.nonces: dict[tuple[str, str], tuple[float, str]] = {}  # (channel, nonce) -> (when, message id)

    # ----------------------------------------------------------------- test drivers
    async def add_channel(self, name: str, *, kind: int = TEXT, guild_id: str | None = None) -> str:
        """A new channel (TEXT or FORUM) in a guild, announced with CHANNEL_CREATE; returns its id."""
        guild_id = guild_id or self.guild_id
        channel_id = self.next_id()
        self.channel_guild[channel_id] = guild_id
        self.channel_types[channel_id] = kind
        await self._dispatch("CHANNEL_CREATE", self.channel_payload(channel_id, name))
        return channel_id

    async def deny_bot(self, channel_id: str, bits: int, name: str = "news") -> None:
        """Deny the bot permission `bits` in a channel (a member overwrite), announced with CHANNEL_UPDATE."""
        self.overwrites[channel_id] = [{"id": self.bot_user["id"], "type": 1, "allow": "0", "deny": str(bits)}]
        await self._dispatch("CHANNEL_UPDATE", self.channel_payload(channel_id, name))

    async def allow_bot(self, channel_id: str, name: str = "news") -> None:
        """Lift the bot's overwrites in a channel (an admin granted the permission), announced with CHANNEL_UPDATE."""
        self.overwrites.pop(channel_id, None)
        await self._dispatch("CHANNEL_UPDATE", self.channel_payload(channel_id, name))

    def channel_payload(self, channel_id: str, name: str, position: int = 0) -> dict[str, Any]:
        """A guild channel object as Discord sends it."""
        payload = {"id": channel_id, "type": self.channel_types.get(channel_id, TEXT), "name": name,
                   "position": position, "guild_id": self.channel_guild[channel_id],
                   "permission_overwrites": self.overwrites.get(channel_id, [])}
        if payload["type"] == FORUM:
            payload.update(available_tags=[], default_reaction_emoji=None, flags=0)
        return payload

    def resolved_channel(self, channel_id: str) -> dict[str, Any]:
        """A channel option's resolved channel, as in an interaction's `data.resolved.channels`."""
        return {"id": channel_id, "type": self.channel_types.get(channel_id, TEXT), "name": "news",
                "permissions": str(self.bot_permissions(channel_id)), "guild_id": self.channel_guild[channel_id]}

    def bot_permissions(self, channel_id: str) -> int:
        """The bot's permissions in a channel (a thread: its parent's), overwrites applied."""
        from tests.support.fake_discord import MEMBER_PERMISSIONS

        if channel_id in self.threads:
            channel_id = self.threads[channel_id]["parent_id"]
        allowed = MEMBER_PERMISSIONS
        for overwrite in self.overwrites.get(channel_id, []):
            allowed = (allowed & ~int(overwrite["deny"])) | int(overwrite["allow"])
        return allowed

    # ----------------------------------------------------------------- REST
    def _forbidden(self, channel_id: str, needed: int) -> web.Response | None:
        """403 when the bot lacks a permission of `needed` in a guild channel (None when it has them all)."""
        if self.guild_of(channel_id) is None:
            return None
        have = self.bot_permissions(channel_id)
        if not have & VIEW_CHANNEL:
            return self._reply({"code": 50001, "message": "Missing Access"}, status=403)
        if needed & ~have:
            return self._reply({"code": 50013, "message": "Missing Permissions"}, status=403)
        return None

    def _create_message(self, channel_id: str, body: dict[str, Any]) -> web.Response | None:
        """Permissions and the nonce of `POST /channels/{c}/messages`; None to create the message as usual."""
        user = next((u for u, c in self.dm_channels.items() if c == channel_id), None)
        if user in self.closed_dms:
            return self._reply({"code": 50007, "message": "Cannot send messages to this user"}, status=403)
        needed = (SEND_MESSAGES_IN_THREADS if channel_id in self.threads else SEND_MESSAGES) \
            | (EMBED_LINKS if body.get("embeds") else 0)
        refusal = self._forbidden(channel_id, needed)
        if refusal is not None:
            return refusal
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            when, message_id = self.nonces.get((channel_id, str(nonce)), (0.0, ""))
            if message_id in self.messages and time.monotonic() - when < NONCE_SECONDS:
                return self._reply(self.messages[message_id])
        return None

    def _remember_nonce(self, channel_id: str, body: dict[str, Any], message: dict[str, Any]) -> None:
        if body.get("nonce") is not None:
            message["nonce"] = str(body["nonce"])
            self.nonces[(channel_id, str(body["nonce"]))] = (time.monotonic(), message["id"])

    def _thread_on_message(self, channel_id: str) -> web.Response | None:
        """Permissions of `POST /channels/{c}/messages/{m}/threads`."""
        return self._forbidden(channel_id, CREATE_PUBLIC_THREADS)

    def new_thread(self, parent_id: str, name: str, archive: int = 1440, message_id: str | None = None) -> dict:
        """Record a thread (its id is its starter message's, as Discord does) and announce THREAD_CREATE."""
        thread = {"id": message_id or self.next_id(), "type": 11, "guild_id": self.guild_of(parent_id),
                  "parent_id": parent_id, "owner_id": self.bot_user["id"], "name": name, "message_count": 0,
                  "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
                  "thread_metadata": {"archived": False, "locked": False, "auto_archive_duration": archive,
                                      "archive_timestamp": self._now()}}
        self.threads[thread["id"]] = thread
        asyncio.get_running_loop().create_task(self._dispatch("THREAD_CREATE", {**thread, "newly_created": True}))
        return thread

    def _forum_post(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        """`POST /channels/{forum}/threads`: a forum post, its first message nested under `message`."""
        from tests.support.fake_discord import message_problems

        if self.channel_types.get(channel_id) != FORUM:
            return self._reject(f"channels/{channel_id}/threads", "a thread without a message needs a type", body)
        message = body.get("message") or {}
        problems = message_problems(message, creating=True)
        if not 1 <= len(body.get("name") or "") <= 100:
            problems.append("a forum post's name must be 1 to 100 characters")
        if problems:
            return self._reject(f"channels/{channel_id}/threads", "; ".join(problems), body)
        refusal = self._forbidden(channel_id, SEND_MESSAGES | (EMBED_LINKS if message.get("embeds") else 0))
        if refusal is not None:
            return refusal
        thread = self.new_thread(channel_id, body["name"], body.get("auto_archive_duration", 1440))
        first = self._message(thread["id"], message, msg_id=thread["id"])
        self.messages[first["id"]] = first
        return self._reply({**thread, "message": first}, status=201)

    def _dm_channel(self, body: dict[str, Any]) -> web.Response:
        """`POST /users/@me/channels`: the DM channel with `recipient_id` (the same one every time)."""
        user_id = str(body.get("recipient_id"))
        user = next((u for u in self.users.values() if u["id"] == user_id), None)
        if user is None:
            return self._reply({"code": 10013, "message": "Unknown User"}, status=404)
        if user_id not in self.dm_channels:
            self.dm_channels[user_id] = self.dm_channel_id if user_id == self.users["alice"]["id"] else self.next_id()
        return self._reply({"id": self.dm_channels[user_id], "type": DM, "recipients": [user],
                            "last_message_id": None, "flags": 0})

    def _get_user(self, user_id: str) -> web.Response:
        """`GET /users/{id}`: a user the fake knows."""
        user = next((u for u in self.users.values() if u["id"] == user_id), None)
        return self._reply(user) if user else self._reply({"code": 10013, "message": "Unknown User"}, status=404)

    @staticmethod
    def _now() -> str:
        from tests.support.fake_discord import _now_iso

        return _now_iso()
