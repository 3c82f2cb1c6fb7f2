"""Start-up: login, READY, command sync (guild and global), and a rejected or missing token."""
from __future__ import annotations

import asyncio

import discord
import pytest
import yarl

from index.errors import BadInput, StartupError
from bot.discord.app import NewsBot, run_bot
from tests.support.discord_bot import state_at
from tests.support.ports import free_port
from tests.support.fake_discord import FakeDiscord

COMMANDS = ["alerts", "ask", "channels", "digest", "feed", "follow", "language", "reindex", "source", "sources", "summary"]


def test_login_ready_and_guild_sync(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        assert bot.is_ready() and bot.user.id == int(fake.bot_user["id"])
        assert [g.id for g in bot.guilds] == [int(fake.guild_id)]
        assert sorted(c["name"] for c in fake.commands[fake.guild_id]) == COMMANDS
        assert "global" not in fake.commands
        source = next(c for c in fake.commands[fake.guild_id] if c["name"] == "source")
        assert sorted(o["name"] for o in source["options"]) == ["add", "remove"]
        assert bot.allowed_mentions.to_dict() == {"parse": []}
        assert bot.intents.message_content and bot.intents.guild_messages
        login = [r.path for r in fake.requests][:2]
        assert login == ["/users/@me", "/oauth2/applications/@me"]
    run_bot_scenario(scenario)


def test_without_guild_ids_commands_sync_globally(run_bot_scenario):
    async def scenario(fake: FakeDiscord, bot):
        assert sorted(c["name"] for c in fake.commands["global"]) == COMMANDS
        assert fake.guild_id not in fake.commands
        inter = await fake.slash("sources")  # a global command answers in a guild too
        await fake.wait_for(lambda: inter.followups)
    run_bot_scenario(scenario, guild_sync=False)


def test_rejected_token_is_one_line_and_non_zero(service, feedback, capsys):
    async def main() -> int:
        fake = FakeDiscord(token="the-right-token")
        port = await fake.start()
        saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
        try:
            with pytest.raises(StartupError) as failed:
                await asyncio.to_thread(run_bot, _bot(service, feedback), "a-wrong-token")
            assert [r.path for r in fake.requests] == ["/users/@me"]
            return failed.value
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
            await fake.close()

    failed = asyncio.run(main())
    assert failed.exit_code == 2
    assert str(failed) == "Discord rejected the token (DISCORD_TOKEN); reset it in the developer portal."
    assert not any("Traceback" in line for line in capsys.readouterr().err.splitlines())


def test_missing_token_is_one_line_and_non_zero(service, feedback, capsys):
    with pytest.raises(StartupError) as failed:
        run_bot(_bot(service, feedback), "  ")
    assert failed.value.exit_code == 2 and str(failed.value).startswith("DISCORD_TOKEN is not set")


def test_newsbot_run_without_a_token_fails_fast(monkeypatch, tmp_path, capsys):
    from bot.cli import main

    monkeypatch.setenv("NEWSBOT_HOME", str(tmp_path))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert main(["run"]) == 2
    assert capsys.readouterr().err.strip() == \
        "newsbot: error: DISCORD_TOKEN is not set; create a bot token in the Discord developer portal."


def test_the_composition_root_rejects_malformed_ids_and_shards_in_one_line(service, news_settings, capsys):
    from bot.discord.main import build_bot
    from pydantic import SecretStr

    settings = news_settings.model_copy(update={"discord_token": SecretStr("x"), "admin_role_ids": "12,admins"})
    with pytest.raises(BadInput) as failed:
        build_bot(service, settings)
    assert str(failed.value) == "expected comma-separated numeric ids, got '12,admins'"
    for count, ids, message in ((None, "0", "NEWSBOT_SHARD_IDS needs NEWSBOT_SHARD_COUNT"),
                                (2, "0,2", "NEWSBOT_SHARD_IDS must be between 0 and 1"),
                                (2, "one", "NEWSBOT_SHARD_IDS must be shard numbers")):
        with pytest.raises(BadInput, match=message):
            build_bot(service, news_settings.model_copy(update={"shard_count": count, "shard_ids": ids}))


def test_unreachable_discord_is_one_line_and_non_zero(service, feedback, capsys):
    saved = discord.http.Route.BASE
    discord.http.Route.BASE = f"http://127.0.0.1:{free_port()}/api/v10"  # nothing listens there
    try:
        with pytest.raises(StartupError) as failed:
            run_bot(_bot(service, feedback), "some-token")
    finally:
        discord.http.Route.BASE = saved
    assert failed.value.exit_code == 1 and str(failed.value).startswith("cannot reach Discord (ClientConnectorError")
    assert "Traceback" not in capsys.readouterr().err


def _bot(service, feedback) -> NewsBot:
    return NewsBot(service, feedback=feedback, state=state_at(":memory:"))
