"""Secrets never reach logs, errors or output: a full CLI flow and a Discord flow run with every secret set
to a unique marker, verbose logging and chatty libraries at DEBUG, and everything they wrote is searched."""
from __future__ import annotations

import asyncio
import logging
import uuid

import discord
import yarl

import pytest

from bot.discord.app import BotConfig, NewsBot
from bot.discord.limits import Limits
from index.app import build_service
from index.service.feedback import FeedbackStore
from index.settings import Settings
from tests.support.discord_bot import state_at
from tests.support.discord_helpers import answered_with_buttons
from tests.support.paths import SEEDS
from tests.support.ports import free_port
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_openai import fake_openai, fake_openai_server, http_error  # noqa: F401
from tests.support.cli_process import newsbot

pytestmark = pytest.mark.slow  # full CLI and Discord flows, at DEBUG

MARKERS = {name: f"{name.lower()}-{uuid.uuid4().hex}" for name in
           ("DISCORD_TOKEN", "OPENAI_API_KEY", "NEWSBOT_CHROMA_TOKEN")}
CHATTY = ("openai", "httpx", "httpcore", "discord", "chromadb", "urllib3", "aiohttp", "index", "bot", "newsbot")


def _leaks(text: str) -> list[str]:
    return [name for name, marker in MARKERS.items() if marker in text]


def test_a_full_command_line_run_never_prints_a_secret(tmp_path, chroma_server, fake_openai):  # noqa: F811
    host, port = chroma_server
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    env = dict(MARKERS, OPENAI_BASE_URL=fake_openai.base_url, NEWSBOT_CHROMA_HOST=host, NEWSBOT_CHROMA_PORT=str(port),
               NEWSBOT_SOURCES=str(sources), NEWSBOT_COLLECTION=f"secrets{port}", NEWSBOT_LLM_MAX_RETRIES="0")
    runs = [newsbot("-v", *args, home=tmp_path / "home", env=env) for args in (
        ("index",), ("ask", "What did Putin agree to?"), ("summary", "Putin"), ("sources", "--json"), ("doctor",))]
    fake_openai.enqueue(http_error(401, "Incorrect API key provided"), http_error(500, "boom"))
    runs.append(newsbot("-v", "ask", "What did Putin agree to?", home=tmp_path / "home", env=env))  # LLM errors
    dead = dict(env, NEWSBOT_CHROMA_PORT=str(free_port()))
    runs.append(newsbot("-v", "ask", "What did Putin agree to?", home=tmp_path / "home", env=dead))  # store down
    assert [r.returncode for r in runs] == [0, 0, 0, 0, 0, 0, 1]
    # the secrets were really in play: the key went to the LLM server, never anywhere a person reads
    assert all(r.headers.get("authorization") == f"Bearer {MARKERS['OPENAI_API_KEY']}" for r in fake_openai.requests)
    assert len(fake_openai.chat_requests) >= 2
    written = "".join(r.stdout + r.stderr for r in runs)
    log_file = tmp_path / "home" / "newsbot.log"
    written += log_file.read_text() if log_file.exists() else ""
    assert "INFO" in written and _leaks(written) == []


def test_a_discord_session_never_logs_a_secret(tmp_path, embedder, fake_openai, caplog, capsys):  # noqa: F811
    for name in CHATTY:
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG)
    settings = Settings(home=tmp_path / "home", sources_file=SEEDS / "sources.toml",
                        openai_api_key=MARKERS["OPENAI_API_KEY"], openai_base_url=fake_openai.base_url,
                        discord_token=MARKERS["DISCORD_TOKEN"], llm_max_retries=0)
    service = build_service(settings, embedder=embedder)
    service.index()
    fake_openai.enqueue(http_error(401, "Incorrect API key provided"))

    async def scenario() -> None:
        fake = FakeDiscord(token=MARKERS["DISCORD_TOKEN"])
        port = await fake.start()
        saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
        bot = NewsBot(service, feedback=FeedbackStore(tmp_path / "feedback.sqlite"), state=state_at(":memory:"),
                      config=BotConfig(guild_ids=(int(fake.guild_id),), limits=Limits(progress_interval=0.0)),
                      guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
        try:
            await asyncio.wait_for(fake.identified.wait(), 20)
            failed = await fake.slash("ask", {"question": "What did Putin agree to?"})  # the LLM refuses the key
            await answered_with_buttons(fake, failed)
            answered = await fake.slash("ask", {"question": "What did Putin agree to?"})
            await answered_with_buttons(fake, answered)
            await fake.reconnect()
            await asyncio.wait_for(fake.resumed.wait(), 20)  # a RESUME sends the token again
        finally:
            await bot.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await fake.close()
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
        # every request of the bot carried the token; none of its messages or logs did
        assert fake.requests and all(MARKERS["DISCORD_TOKEN"] in r.headers.get("Authorization", "")
                                     for r in fake.requests if r.path.startswith("/api/v10/applications"))
        assert _leaks(repr(fake.message_payloads())) == []

    asyncio.run(scenario())
    captured = capsys.readouterr()
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert len(caplog.records) > 20 and _leaks(logged + captured.out + captured.err) == []
