"""The fake itself is faithful: it answers with exact JSON headers and rejects what Discord rejects."""
from __future__ import annotations

import asyncio

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
