"""A small fake of Discord (REST + Gateway) on 127.0.0.1 that the unmodified discord.py client talks to.

It speaks the real protocol (JSON over HTTP and a Gateway websocket), records every request, and
rejects what real Discord would reject: messages over the documented limits, a second acknowledgement
of an interaction (error 40060), and — stricter than Discord, on purpose — any message whose
`allowed_mentions.parse` is not `[]`, so that no test can let the bot ping anybody.
See ../shared/DISCORD_FAKE.md (beside the checkout) for the handshake and the payload fields the client needs.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from aiohttp import web

from tests.support.fake_discord_gateway import ShardedGateway, shard_of
from tests.support.fake_discord_posting import PostingRoutes

JSON_HEADERS = {"Content-Type": "application/json"}
EPHEMERAL = 1 << 6
MANAGE_GUILD = 1 << 5
# View channel, send messages, embed links, read history, use application commands, create public threads,
# send messages in threads: a plain member (Discord's defaults for @everyone).
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31) | (1 << 35) | (1 << 38)


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def message_problems(payload: dict[str, Any] | None, creating: bool) -> list[str]:
    """What real Discord would reject in a message payload, plus a missing `allowed_mentions.parse == []`."""
    if not payload:
        return ["empty payload"]
    problems = []
    content = payload.get("content") or ""
    embeds = payload.get("embeds") or []
    if len(content) > 2000:
        problems.append(f"content is {len(content)} > 2000 characters")
    if creating and not content and not embeds and not payload.get("components"):
        problems.append("Cannot send an empty message")
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} > 10 embeds")
    total = 0
    for i, e in enumerate(embeds):
        sizes = {"title": len(e.get("title") or ""), "description": len(e.get("description") or ""),
                 "footer": len((e.get("footer") or {}).get("text") or ""),
                 "author": len((e.get("author") or {}).get("name") or "")}
        for key, limit in (("title", 256), ("description", 4096), ("footer", 2048), ("author", 256)):
            if sizes[key] > limit:
                problems.append(f"embed {i} {key} is {sizes[key]} > {limit}")
        if e.get("url") is not None and not str(e["url"]).lower().startswith(("http://", "https://")):
            problems.append(f"embed {i} url is not a well formed http(s) URL")
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embed {i} has {len(fields)} > 25 fields")
        for f in fields:
            if len(f["name"]) > 256 or len(f["value"]) > 1024 or not f["name"] or not f["value"]:
                problems.append(f"embed {i} field {f['name'][:30]!r} has a bad size")
            sizes["fields"] = sizes.get("fields", 0) + len(f["name"]) + len(f["value"])
        total += sum(sizes.values())
    if total > 6000:
        problems.append(f"embeds total {total} > 6000 characters")
    for row in payload.get("components") or []:
        if len(row.get("components", [])) > 5:
            problems.append("more than 5 components in an action row")
    mentions = payload.get("allowed_mentions")
    if mentions is None or mentions.get("parse") != [] or mentions.get("users") or mentions.get("roles") \
            or mentions.get("replied_user"):
        problems.append(f"allowed_mentions must be none, got {mentions!r}")
    return problems


def make_user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    """A Discord user object."""
    return {"id": user_id, "username": name, "discriminator": "0", "avatar": None,
            "global_name": name, "bot": bot}


@dataclass
class Recorded:
    """One HTTP request the client made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched, and everything the bot did with it."""

    id: str
    token: str
    type: int
    user: dict[str, Any]
    channel_id: str
    created_at: float
    acks: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    original_deleted: bool = False
    followups: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)  # PATCH payloads of the original
    rejected_acks: int = 0
    message: dict[str, Any] | None = None  # the message a component interaction came from

    @property
    def ack_type(self) -> int | None:
        """Callback type of the (first) acknowledgement, None when not acknowledged."""
        return self.acks[0][1] if self.acks else None

    @property
    def ack_delay(self) -> float | None:
        """Seconds between dispatch and acknowledgement, as seen by the fake."""
        return self.acks[0][0] - self.created_at if self.acks else None

    def visible_messages(self) -> list[dict[str, Any]]:
        """The messages this interaction produced, in order (original first), in their current state."""
        out = [] if self.original is None or self.original_deleted else [self.original]
        return out + [m for m in self.followups if m is not self.original]


class FakeDiscord(ShardedGateway, PostingRoutes):
    """The fake server. `start()` returns the port; drive it with `slash`, `click`, `say`...

    `servers=N` makes N guilds instead of the default one (or two), each with one channel
    (`server_channels`), whose ids spread evenly over the shards; `shards` is the shard count
    `GET /gateway/bot` recommends. Clients may connect once per shard (tests/support/fake_discord_gateway.py).
    """

    def __init__(self, token: str = "fake-token", second_guild: bool = False, *, servers: int = 0,
                 shards: int = 1) -> None:
        self.token = token
        self._ids = itertools.count(900_000_000_000_000_000)
        self.app_id = "100000000000000001"
        self.bot_user = make_user("100000000000000002", "newsbot", bot=True)
        self.guild_id = "200000000000000001"
        self.channel_id = "300000000000000001"
        self.admin_role_id = "400000000000000001"
        # A second channel in the first guild; with `second_guild`, a second guild with a channel of its own.
        self.side_channel_id = "300000000000000003"
        self.other_guild_id = "200000000000000002"
        self.other_channel_id = "300000000000000002"
        self.dm_channel_id = "300000000000000009"
        self.guild_ids = [self.guild_id] + ([self.other_guild_id] if second_guild else [])
        self.channel_guild = {self.channel_id: self.guild_id, self.side_channel_id: self.guild_id,
                              self.other_channel_id: self.other_guild_id}
        self.users = {"alice": make_user("500000000000000001", "alice"),
                      "bob": make_user("500000000000000002", "bob")}
        self.requests: list[Recorded] = []
        self.rejections: list[tuple[str, str, Any]] = []  # (path, reason, payload)
        self.messages: dict[str, dict[str, Any]] = {}
        self.threads: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or a guild id -> commands
        self.server_channels: dict[str, str] = {}  # guild -> its channel, with `servers`
        if servers:
            self._add_servers(servers)
        self._init_gateway(shards)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._init_posting()  # channel types, overwrites, nonces, DM channels (tests/support/fake_discord_posting.py)

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> int:
        """Listen on 127.0.0.1 on a free port and return it."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.port

    def _add_servers(self, count: int) -> None:
        """`count` guilds with a channel each; consecutive `id >> 22` values put them on every shard in turn."""
        self.guild_ids = [str(((1 << 30) + i) << 22 | 1) for i in range(count)]
        self.server_channels = {g: str(((1 << 31) + i) << 22 | 2) for i, g in enumerate(self.guild_ids)}
        self.guild_id = self.guild_ids[0]
        self.channel_id = self.server_channels[self.guild_id]
        self.channel_guild = {c: g for g, c in self.server_channels.items()}

    async def close(self) -> None:
        """Close the websockets and stop the server."""
        await self._close_gateway()
        if self._runner is not None:
            await self._runner.cleanup()

    def next_id(self) -> str:
        """A fresh snowflake."""
        return str(next(self._ids))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Wait until predicate() returns something truthy (re-checked after every request)."""
        async def _wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result
        return await asyncio.wait_for(_wait(), timeout)

    # ----------------------------------------------------------------- gateway (fake_discord_gateway.py)
    async def remove_guild(self, guild_id: str) -> None:
        """The bot is removed from a guild (GUILD_DELETE without `unavailable`)."""
        await self._dispatch("GUILD_DELETE", {"id": guild_id})

    def guild_of(self, channel_id: str) -> str | None:
        """The guild a channel (or a thread's parent) belongs to; None for the DM channel."""
        if channel_id in self.threads:
            channel_id = self.threads[channel_id]["parent_id"]
        return self.channel_guild.get(channel_id)

    def _guild(self, guild_id: str | None = None) -> dict[str, Any]:
        guild_id = guild_id or self.guild_id
        members = [{"user": u, "roles": [], "flags": 0, "joined_at": _now_iso()}
                   for u in [self.bot_user, *self.users.values()]]
        roles = [{"id": guild_id, "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS),
                  "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False},
                 {"id": self.admin_role_id, "name": "news-admin", "permissions": str(MEMBER_PERMISSIONS),
                  "position": 1, "color": 0, "hoist": False, "managed": False, "mentionable": False}]
        channels = [self.channel_payload(c, f"news-{i}", i)
                    for i, c in enumerate(c for c, g in self.channel_guild.items() if g == guild_id)]
        return {"id": guild_id, "name": f"Fake Guild {guild_id[-1]}", "member_count": len(members),
                "members": members, "roles": roles, "owner_id": "500000000000000099", "threads": [],
                "channels": channels}

    # ----------------------------------------------------------------- test drivers
    def _member(self, user: dict[str, Any], permissions: int, roles: list[str]) -> dict[str, Any]:
        return {"user": user, "roles": roles, "flags": 0, "permissions": str(permissions),
                "joined_at": _now_iso(), "deaf": False, "mute": False}

    async def _interaction(self, itype: int, data: dict[str, Any], user: str, *, permissions: int,
                           roles: list[str], channel_id: str | None,
                           message: dict[str, Any] | None = None) -> FakeInteraction:
        channel_id = channel_id or self.channel_id
        guild_id = self.guild_of(channel_id)
        ctype = 11 if channel_id in self.threads else (0 if guild_id else 1)
        inter = FakeInteraction(id=self.next_id(), token=f"tok-{self.next_id()}", type=itype,
                                user=self.user(user), channel_id=channel_id, created_at=time.monotonic())
        inter.message = message
        self.interactions[inter.id] = inter
        payload = {"id": inter.id, "application_id": self.app_id, "type": itype, "token": inter.token,
                   "version": 1, "attachment_size_limit": 8 * 1024 * 1024, "guild_id": guild_id,
                   "channel_id": channel_id, "channel": {"id": channel_id, "type": ctype},
                   "member": self._member(self.user(user), permissions, roles),
                   "app_permissions": str(MEMBER_PERMISSIONS), "locale": "en-US", "data": data}
        if guild_id is None:  # a DM: the user, no member, no guild
            del payload["guild_id"], payload["member"]
            payload["user"] = self.user(user)
            payload["context"] = 1
        if message is not None:
            payload["message"] = message
        await self._dispatch("INTERACTION_CREATE", payload)
        return inter

    def _command_data(self, name: str, options: list[dict[str, Any]], channel_id: str | None = None) -> dict[str, Any]:
        guild_id = self.guild_of(channel_id or self.channel_id)
        for scope in ([guild_id] if guild_id else []) + ["global"]:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    data = {"id": cmd["id"], "name": name, "type": 1, "options": options}
                    if scope != "global":
                        data["guild_id"] = scope
                    return data
        raise AssertionError(f"/{name} was never synced; synced: {self.commands}")

    async def slash(self, name: str, options: dict[str, Any] | None = None, *, user: str = "alice",
                    sub: str | None = None, permissions: int = MEMBER_PERMISSIONS,
                    roles: list[str] | None = None, channel_id: str | None = None,
                    channels: dict[str, str] | None = None) -> FakeInteraction:
        """Dispatch a slash command (type 2); `sub` names a subcommand such as `add` of `/source`; `channels`
        are channel options (name -> channel id), sent as type 7 with their resolved channel objects."""
        opts = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]
        opts += [{"name": k, "type": 7, "value": v} for k, v in (channels or {}).items()]
        if sub is not None:
            opts = [{"name": sub, "type": 1, "options": opts}]
        data = self._command_data(name, opts, channel_id)
        if channels:
            data["resolved"] = {"channels": {c: self.resolved_channel(c) for c in channels.values()}}
        return await self._interaction(2, data, user, permissions=permissions, roles=roles or [],
                                       channel_id=channel_id)

    async def autocomplete(self, name: str, options: dict[str, Any], focused: str, *,
                           user: str = "alice", channel_id: str | None = None, sub: str | None = None,
                           permissions: int = MEMBER_PERMISSIONS) -> FakeInteraction:
        """Dispatch an autocomplete request (type 4) with `focused` as the option being typed."""
        opts = [{"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
                for k, v in options.items()]
        if sub is not None:
            opts = [{"name": sub, "type": 1, "options": opts}]
        return await self._interaction(4, self._command_data(name, opts, channel_id), user,
                                       permissions=permissions, roles=[], channel_id=channel_id)

    async def click(self, message: dict[str, Any], custom_id: str, *, user: str = "alice",
                    permissions: int = MEMBER_PERMISSIONS) -> FakeInteraction:
        """Press the button `custom_id` on `message` (a component interaction, type 3)."""
        ids = [c.get("custom_id") for row in message.get("components", []) for c in row["components"]]
        assert custom_id in ids, f"no button {custom_id!r} on the message; buttons: {ids}"
        return await self._interaction(3, {"custom_id": custom_id, "component_type": 2}, user,
                                       permissions=permissions, roles=[],
                                       channel_id=message["channel_id"], message=message)

    async def say(self, content: str, *, user: str = "alice", mention_bot: bool = False,
                  channel_id: str | None = None, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """A user posts a message (MESSAGE_CREATE); returns the message object."""
        channel_id = channel_id or self.channel_id
        msg = self._message(channel_id, {"content": content}, author=self.user(user))
        msg["mentions"] = [self.bot_user] if mention_bot else []
        if msg["guild_id"] is None:  # a DM
            del msg["guild_id"]
        else:
            msg["member"] = {"roles": [], "flags": 0, "joined_at": _now_iso()}
        if reply_to is not None:
            msg["type"] = 19
            msg["message_reference"] = {"message_id": reply_to["id"], "channel_id": reply_to["channel_id"],
                                        "guild_id": self.guild_of(channel_id)}
            msg["referenced_message"] = reply_to
        self.messages[msg["id"]] = msg
        await self._dispatch("MESSAGE_CREATE", msg)
        return msg

    def user(self, name: str) -> dict[str, Any]:
        """The user called `name`, created on first use (members who joined after GUILD_CREATE)."""
        if name not in self.users:
            self.users[name] = make_user(str(500000000000001000 + len(self.users)), name)
        return self.users[name]

    def message_payloads(self) -> list[dict[str, Any]]:
        """Every message payload the bot sent or edited (channel messages, callbacks, webhooks), in order."""
        out = []
        for r in self.requests:
            if r.method not in ("POST", "PATCH") or not isinstance(r.body, dict):
                continue
            if r.path.startswith("/interactions/"):
                if r.body.get("type") in (4, 7):
                    out.append(r.body.get("data") or {})
            elif r.path.startswith("/webhooks/") or (r.path.startswith("/channels/") and "/messages" in r.path
                                                      and not r.path.endswith("/threads")):
                out.append(r.body)
            elif r.path.startswith("/channels/") and r.path.endswith("/threads") and "message" in r.body:
                out.append(r.body["message"])  # a forum post's first message
        return out

    def bot_messages(self, channel_id: str | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted through the channel API, oldest first."""
        return [m for m in self.messages.values() if m["author"]["id"] == self.bot_user["id"]
                and (channel_id is None or m["channel_id"] == channel_id)]

    # ----------------------------------------------------------------- REST
    def _message(self, channel_id: str, payload: dict[str, Any], author: dict[str, Any] | None = None,
                 msg_id: str | None = None) -> dict[str, Any]:
        msg = {"id": msg_id or self.next_id(), "type": 0, "channel_id": channel_id, "guild_id": self.guild_of(channel_id),
               "author": author or self.bot_user, "content": payload.get("content") or "",
               "embeds": payload.get("embeds") or [], "components": payload.get("components") or [],
               "attachments": [], "mentions": [], "mention_roles": [], "mention_everyone": False,
               "pinned": False, "tts": False, "timestamp": _now_iso(), "edited_timestamp": None,
               "flags": payload.get("flags") or 0, "allowed_mentions": payload.get("allowed_mentions")}
        ref = payload.get("message_reference")
        if ref:
            msg["type"] = 19
            msg["message_reference"] = {**ref, "guild_id": self.guild_of(channel_id)}
            msg["referenced_message"] = self.messages.get(str(ref["message_id"]))
        return msg

    @staticmethod
    def _edit(msg: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in payload:
                msg[key] = payload[key] if payload[key] is not None else ([] if key != "content" else "")
        msg["edited_timestamp"] = _now_iso()
        return msg

    @staticmethod
    def _reply(data: Any = None, status: int = 200) -> web.Response:
        if status == 204:
            return web.Response(status=204)
        return web.Response(status=status, body=json.dumps(data).encode(), headers=JSON_HEADERS)

    def _reject(self, path: str, reason: str, payload: Any, code: int = 50035) -> web.Response:
        self.rejections.append((path, reason, payload))
        return self._reply({"code": code, "message": reason, "errors": {}}, status=400)

    async def _body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            return json.loads(form["payload_json"])  # type: ignore[arg-type]
        return json.loads(await request.text())

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await self._body(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body,
                                      dict(request.headers), time.monotonic()))
        try:
            response = await self._route(request.method, path.split("/")[1:], request, body)
        finally:
            await self._notify()
        return response

    async def _route(self, method: str, parts: list[str], request: web.Request, body: Any) -> web.Response:
        head = parts[0]
        if head == "interactions":
            return self._callback(parts[1], parts[2], body)
        if head == "webhooks":
            return self._webhook(method, parts, body)
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return self._reply({"code": 0, "message": "401: Unauthorized"}, status=401)
        if parts == ["users", "@me"]:
            return self._reply(self.bot_user)
        if parts == ["gateway", "bot"]:  # only AutoShardedClient asks
            return self._reply({"url": f"ws://127.0.0.1:{self.port}/gateway", "shards": self.shard_count,
                                "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0,
                                                        "max_concurrency": 1}})
        if parts == ["oauth2", "applications", "@me"]:
            return self._reply({"id": self.app_id, "name": "newsbot", "description": "", "icon": None,
                                "bot_public": True, "bot_require_code_grant": False,
                                "owner": make_user("500000000000000099", "owner"), "verify_key": "00",
                                "flags": 0})
        if head == "applications" and method == "PUT":
            scope = parts[3] if len(parts) > 3 and parts[2] == "guilds" else "global"
            self.commands[scope] = [{**c, "id": self.next_id(), "application_id": self.app_id,
                                     "version": "1"} for c in body]
            return self._reply(self.commands[scope])
        if head == "channels":
            return self._channel(method, parts[1:], body)
        if parts == ["users", "@me", "channels"] and method == "POST":
            return self._dm_channel(body)
        if head == "users" and len(parts) == 2 and method == "GET":
            return self._get_user(parts[1])
        return self._reject("/".join(parts), "unhandled route", body, code=0)

    def _channel(self, method: str, parts: list[str], body: Any) -> web.Response:
        channel_id, rest = parts[0], parts[1:]
        if rest == ["typing"]:
            return self._reply(status=204)
        if rest == ["messages"] and method == "POST":
            problems = message_problems(body, creating=True)
            if problems:
                return self._reject(f"channels/{channel_id}/messages", "; ".join(problems), body)
            refused_or_known = self._create_message(channel_id, body)  # permissions, nonce
            if refused_or_known is not None:
                return refused_or_known
            msg = self._message(channel_id, body)
            self._remember_nonce(channel_id, body, msg)
            self.messages[msg["id"]] = msg
            return self._reply(msg)
        if rest == ["threads"] and method == "POST":
            return self._forum_post(channel_id, body)
        if len(rest) == 2 and rest[0] == "messages":
            msg = self.messages.get(rest[1])
            if msg is None:
                return self._reply({"code": 10008, "message": "Unknown Message"}, status=404)
            if method == "GET":
                return self._reply(msg)
            if method == "DELETE":
                del self.messages[rest[1]]
                return self._reply(status=204)
            problems = message_problems(body, creating=False)
            if problems:
                return self._reject(f"channels/{channel_id}/messages/{rest[1]}", "; ".join(problems), body)
            return self._reply(self._edit(msg, body))
        if len(rest) == 3 and rest[0] == "messages" and rest[2] == "threads" and method == "POST":
            refusal = self._thread_on_message(channel_id)
            if refusal is not None:
                return refusal
            # as on Discord, a thread started from a message has that message's id
            thread = self.new_thread(channel_id, body["name"], body.get("auto_archive_duration", 1440),
                                     message_id=rest[1])
            return self._reply(thread, status=201)
        return self._reject("channels/" + "/".join(parts), "unhandled channel route", body, code=0)

    # ----------------------------------------------------------------- interactions
    def _by_token(self, token: str) -> FakeInteraction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    def _callback(self, inter_id: str, token: str, body: dict[str, Any]) -> web.Response:
        inter = self.interactions.get(inter_id)
        path = f"interactions/{inter_id}/callback"
        if inter is None or inter.token != token:
            return self._reply({"code": 10062, "message": "Unknown interaction"}, status=404)
        if inter.acks:
            inter.rejected_acks += 1
            return self._reject(path, "Interaction has already been acknowledged.", body, code=40060)
        ctype, data = body["type"], body.get("data") or {}
        if ctype in (4, 7) and (problems := message_problems(data, creating=ctype == 4)):
            return self._reject(path, "; ".join(problems), body)
        if ctype == 8 and len(data.get("choices", [])) > 25:
            return self._reject(path, "more than 25 autocomplete choices", body)
        inter.acks.append((time.monotonic(), ctype, data))
        resource: dict[str, Any] = {"type": ctype}
        if ctype in (4, 5):
            inter.original = self._message(inter.channel_id, data, msg_id=self.next_id())
            inter.original["interaction_loading"] = ctype == 5
            resource["message"] = inter.original
        elif ctype in (6, 7) and inter.message is not None:
            inter.original = inter.message
            if ctype == 7:
                self._edit(inter.message, data)
        interaction = {"id": inter.id, "type": inter.type, "response_message_loading": ctype == 5,
                       "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL)}
        if inter.original is not None:
            interaction["response_message_id"] = inter.original["id"]
        return self._reply({"interaction": interaction, "resource": resource})

    def _webhook(self, method: str, parts: list[str], body: Any) -> web.Response:
        # webhooks/{app}/{token}[/messages/{id}]
        inter = self._by_token(parts[2]) if len(parts) > 2 else None
        path = "webhooks/…/" + "/".join(parts[3:])
        if inter is None or parts[1] != self.app_id:
            return self._reply({"code": 10015, "message": "Unknown Webhook"}, status=404)
        if not inter.acks:
            return self._reject(path, "webhook used before the interaction was acknowledged", body, code=0)
        if len(parts) == 3 and method == "POST":
            problems = message_problems(body, creating=True)
            if problems:
                return self._reject(path, "; ".join(problems), body)
            orig = inter.original
            if orig is not None and orig.get("interaction_loading") and not inter.original_deleted:
                # The first followup after a deferred response replaces the "thinking…" message.
                orig["interaction_loading"] = False
                self._edit(orig, {k: v for k, v in body.items() if k != "flags"})
                inter.followups.append(orig)
                return self._reply(orig)
            msg = self._message(inter.channel_id, body)
            inter.followups.append(msg)
            return self._reply(msg)
        if len(parts) == 5 and parts[3] == "messages":
            target = self._find_webhook_message(inter, parts[4])
            if target is None:
                return self._reply({"code": 10008, "message": "Unknown Message"}, status=404)
            if method == "GET":
                return self._reply(target)
            if method == "DELETE":
                if target is inter.original:
                    inter.original_deleted = True
                else:
                    inter.followups.remove(target)
                return self._reply(status=204)
            if method == "PATCH":
                problems = message_problems(body, creating=False)
                if problems:
                    return self._reject(path, "; ".join(problems), body)
                if target is inter.original:
                    inter.edits.append(body)
                    target["interaction_loading"] = False
                return self._reply(self._edit(target, body))
        return self._reject(path, "unhandled webhook route", body, code=0)

    @staticmethod
    def _find_webhook_message(inter: FakeInteraction, msg_id: str) -> dict[str, Any] | None:
        if msg_id == "@original":
            return None if inter.original_deleted else inter.original
        return next((m for m in inter.followups if m["id"] == msg_id), None)
