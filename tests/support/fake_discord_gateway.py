"""The Gateway side of FakeDiscord: one websocket connection per shard, as Discord runs them.

A client that IDENTIFYs with `shard: [id, count]` gets a connection of its own: READY lists and GUILD_CREATE
sends only the guilds of that shard (`(guild_id >> 22) % count == id`), and every later event of a guild
(INTERACTION_CREATE, MESSAGE_CREATE, CHANNEL_UPDATE, GUILD_DELETE…) goes to the connection holding it; events
without a guild (DMs) go to shard 0, as on Discord. A client that IDENTIFYs without `shard` is shard 0 of 1
and holds every guild (the single connection of the existing tests). Several processes may be connected at
once, each with its own shards; a connection that closes (a process killed) is dropped, and an event for its
guilds waits until a client holds that shard again.

Mixed into `tests.support.fake_discord.FakeDiscord`, which provides `token`, `bot_user`, `app_id`, `port`,
`guild_ids`, `_guild(guild_id)` and `_notify()`.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

WAIT_FOR_SHARD = 60.0  # seconds an event waits for a client to hold its guild's shard (a process restarting)


def shard_of(guild_id: str | int, count: int) -> int:
    """The shard Discord puts a guild on."""
    return (int(guild_id) >> 22) % count


@dataclass
class Connection:
    """One gateway connection: the shard it identified for, its sequence and its session."""

    ws: web.WebSocketResponse
    shard_id: int = 0
    shard_count: int = 1
    session_id: str = ""
    seq: int = 0
    guilds: list[str] = field(default_factory=list)

    def holds(self, guild_id: str | None) -> bool:
        """True when this connection receives the events of `guild_id` (None: a DM, shard 0's)."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id


def guild_of_event(event: str, data: dict[str, Any]) -> str | None:
    """The guild an event belongs to (None for a DM or an event of no guild)."""
    if event.startswith("GUILD_") and "id" in data and "guild_id" not in data:
        return str(data["id"])
    found = data.get("guild_id")
    return str(found) if found else None


class ShardedGateway:
    """The gateway websocket of FakeDiscord, one connection per shard (a mixin: it uses the fake's state)."""

    def _init_gateway(self, shards: int) -> None:
        self.shard_count = shards  # what GET /gateway/bot recommends
        self.connections: dict[int, Connection] = {}  # shard id -> its live connection
        self.identifies: list[tuple[int, int]] = []  # every IDENTIFY's (shard id, count), in order
        self._sessions: dict[str, Connection] = {}
        self.identified = asyncio.Event()
        self.resumed = asyncio.Event()  # set when a client RESUMEs (op 6) after `reconnect()`

    @property
    def _ws(self) -> web.WebSocketResponse | None:
        """Shard 0's websocket (the only one of an unsharded client)."""
        conn = self.connections.get(0)
        return conn.ws if conn is not None else None

    def shard_guilds(self, shard_id: int, count: int) -> list[str]:
        """The fake's guilds on shard `shard_id` of `count`."""
        return [g for g in self.guild_ids if shard_of(g, count) == shard_id]

    def connected_shards(self) -> set[int]:
        """The shards a client holds now."""
        return {s for s, c in self.connections.items() if not c.ws.closed}

    async def wait_shards(self, shard_ids: set[int] | range, timeout: float = 60.0) -> None:
        """Wait until clients hold every shard of `shard_ids` (identified, their guilds sent)."""
        await self.wait_for(lambda: set(shard_ids) <= self.connected_shards(), timeout)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                conn = await self._gateway_op(conn, json.loads(msg.data))
                if conn is None:
                    break
        finally:
            if conn is not None and self.connections.get(conn.shard_id) is conn and conn.ws is ws:
                del self.connections[conn.shard_id]
                await self._notify()
        return ws

    async def _gateway_op(self, conn: Connection, data: dict[str, Any]) -> Connection | None:
        op = data["op"]
        if op == 1:
            await conn.ws.send_json({"op": 11})
        elif op == 2:
            if data["d"].get("token") != self.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return None
            await self._identify(conn, data["d"])
        elif op == 6:
            old = self._sessions.get(data["d"].get("session_id", ""))
            if old is not None:
                old.ws = conn.ws
                conn = old
                self.connections[conn.shard_id] = conn
            await self._send(conn, "RESUMED", {})
            self.resumed.set()
        return conn

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        shard = d.get("shard") or [0, 1]
        conn.shard_id, conn.shard_count = int(shard[0]), int(shard[1])
        conn.session_id = f"fake-session-{conn.shard_id}-{len(self.identifies)}"
        conn.guilds = self.shard_guilds(conn.shard_id, conn.shard_count)
        self.identifies.append((conn.shard_id, conn.shard_count))
        self._sessions[conn.session_id] = conn
        self.connections[conn.shard_id] = conn
        await self._send(conn, "READY", {
            "v": 10, "user": self.bot_user, "guilds": [{"id": g, "unavailable": True} for g in conn.guilds],
            "session_id": conn.session_id, "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
            "application": {"id": self.app_id, "flags": 0}, **({"shard": d["shard"]} if "shard" in d else {})})
        for guild_id in conn.guilds:
            await self._send(conn, "GUILD_CREATE", self._guild(guild_id))
        self.identified.set()
        await self._notify()

    async def _send(self, conn: Connection, event: str, data: dict[str, Any]) -> None:
        conn.seq += 1
        await conn.ws.send_json({"op": 0, "t": event, "s": conn.seq, "d": data})

    async def _holder(self, guild_id: str | None) -> Connection:
        """The live connection holding `guild_id`, waiting a while for one (a process restarting)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_FOR_SHARD
        while True:
            for conn in list(self.connections.values()):
                if conn.holds(guild_id) and not conn.ws.closed:
                    return conn
            assert self.connections or self.identifies, "the client is not connected to the gateway"
            assert loop.time() < deadline, f"no client holds the shard of guild {guild_id}"
            await asyncio.sleep(0.05)

    async def _dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch (op 0) to the connection holding the event's guild."""
        await self._send(await self._holder(guild_of_event(event, data)), event, data)

    async def reconnect(self, shard_id: int = 0) -> None:
        """Ask a client to reconnect (op 7 RECONNECT), as Discord does; it should RESUME on a new socket."""
        conn = self.connections.get(shard_id)
        assert conn is not None, "the client is not connected to the gateway"
        self.resumed.clear()
        await conn.ws.send_json({"op": 7, "d": None})

    async def _close_gateway(self) -> None:
        for conn in list(self.connections.values()):
            if not conn.ws.closed:
                await conn.ws.close()
