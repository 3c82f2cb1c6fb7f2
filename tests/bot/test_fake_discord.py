"""The fake itself is faithful: it answers with exact JSON headers and rejects what Discord rejects."""
from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from tests.support.fake_discord import FakeDiscord, message_problems

NONE = {"parse": []}


def test_limits_that_real_discord_enforces():
    assert message_problems({"content": "x" * 2000, "allowed_mentions": NONE}, creating=True) == []
    assert "content is 2001 > 2000 characters" in message_problems(
        {"content": "x" * 2001, "allowed_mentions": NONE}, creating=True)
    assert "embed 0 description is 4097 > 4096" in message_problems(
        {"embeds": [{"description": "x" * 4097}], "allowed_mentions": NONE}, creating=True)
    fields = [{"name": "n", "value": "v"}] * 26
    assert "embed 0 has 26 > 25 fields" in message_problems(
        {"embeds": [{"fields": fields}], "allowed_mentions": NONE}, creating=True)
    two = [{"description": "x" * 3000}, {"description": "y" * 3001}]
    assert "embeds total 6001 > 6000 characters" in message_problems(
        {"embeds": two, "allowed_mentions": NONE}, creating=True)
    assert "Cannot send an empty message" in message_problems({"allowed_mentions": NONE}, creating=True)
    for mentions in (None, {"parse": ["everyone"]}, {"parse": [], "users": ["1"]}, {"parse": [], "replied_user": True}):
        assert any("allowed_mentions" in p for p in message_problems({"content": "hi", "allowed_mentions": mentions},
                                                                     creating=True))


def test_second_acknowledgement_is_error_40060_and_headers_are_exact():
    async def main() -> None:
        fake = FakeDiscord()
        port = await fake.start()
        base = f"http://127.0.0.1:{port}/api/v10"
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/users/@me", headers={"Authorization": "Bot fake-token"}) as r:
                    assert r.status == 200 and r.headers["Content-Type"] == "application/json"
                async with http.get(f"{base}/users/@me", headers={"Authorization": "Bot nope"}) as r:
                    assert r.status == 401
                async with http.ws_connect(f"ws://127.0.0.1:{port}/gateway") as ws:
                    assert (await ws.receive_json())["op"] == 10
                    await ws.send_json({"op": 2, "d": {"token": "fake-token"}})
                    assert (await ws.receive_json())["t"] == "READY"
                    assert (await ws.receive_json())["t"] == "GUILD_CREATE"
                    fake.commands["global"] = [{"id": "1", "name": "ask"}]
                    inter = await fake.slash("ask", {"question": "q"})
                    assert (await ws.receive_json())["t"] == "INTERACTION_CREATE"
                    url = f"{base}/interactions/{inter.id}/{inter.token}/callback?with_response=1"
                    async with http.post(url, json={"type": 5}) as r:
                        assert r.status == 200 and (await r.json())["interaction"]["id"] == inter.id
                    async with http.post(url, json={"type": 5}) as r:
                        assert r.status == 400 and (await r.json())["code"] == 40060
            assert inter.ack_type == 5 and inter.rejected_acks == 1
            assert [reason for _, reason, _ in fake.rejections] == ["Interaction has already been acknowledged."]
        finally:
            await fake.close()
    asyncio.run(main())


def test_each_shard_gets_its_own_guilds_and_their_events():
    async def main() -> None:
        fake = FakeDiscord(servers=6, shards=3)
        port = await fake.start()
        base = f"http://127.0.0.1:{port}/api/v10"
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/gateway/bot", headers={"Authorization": "Bot fake-token"}) as r:
                    assert (await r.json())["shards"] == 3
                sockets, seen = [], []
                for shard in range(3):
                    ws = await http.ws_connect(f"ws://127.0.0.1:{port}/gateway")
                    assert (await ws.receive_json())["op"] == 10
                    await ws.send_json({"op": 2, "d": {"token": "fake-token", "shard": [shard, 3]}})
                    ready = await ws.receive_json()
                    guilds = [g["id"] for g in ready["d"]["guilds"]]
                    assert ready["d"]["shard"] == [shard, 3]
                    assert guilds == [g for g in fake.guild_ids if (int(g) >> 22) % 3 == shard] and len(guilds) == 2
                    assert [(await ws.receive_json())["d"]["id"] for _ in guilds] == guilds  # GUILD_CREATE each
                    sockets.append(ws)
                    seen.append(guilds)
                await fake.wait_shards(range(3))
                fake.commands["global"] = [{"id": "1", "name": "ask"}]
                for shard, guilds in enumerate(seen):  # an event reaches the connection holding its guild only
                    await fake.slash("ask", {"question": "q"}, channel_id=fake.server_channels[guilds[1]])
                    event = await sockets[shard].receive_json()
                    assert event["t"] == "INTERACTION_CREATE" and event["d"]["guild_id"] == guilds[1]
                    await fake.remove_guild(guilds[0])
                    assert (await sockets[shard].receive_json())["t"] == "GUILD_DELETE"
                for ws in sockets:
                    with contextlib.suppress(asyncio.TimeoutError):
                        extra = await ws.receive_json(timeout=0.2)
                        raise AssertionError(f"an event reached the wrong shard: {extra}")
                    await ws.close()
                await fake.wait_for(lambda: not fake.connected_shards())  # a closed connection is dropped
        finally:
            await fake.close()
    asyncio.run(main())
