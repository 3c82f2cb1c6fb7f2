"""Outages of the Chroma server: unreachable at start, lost mid-operation, back again on the same port.

Each test runs its own `chroma run` (it kills it) and keeps one service object throughout: recovery must
happen without a restart of newsbot.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.app import build_service
from index.errors import StoreUnavailable
from index.settings import Settings
from tests.support.paths import SEEDS
from tests.support.ports import free_port
from tests.support.cli_process import assert_clean_error, newsbot

pytestmark = pytest.mark.slow  # starts and kills its own `chroma run` servers

QUESTION = "What did Putin agree to?"


class ChromaServer:
    """A `chroma run` on 127.0.0.1 that a test can stop and start again on the same port and data."""

    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port, self.process = data, port, None

    def start(self) -> None:
        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        log = (self.data / "server.log").open("ab")
        self.process = subprocess.Popen([chroma, "run", "--path", str(self.data / "db"), "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.data / "server.log").read_text()[-2000:]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("chroma run did not start listening within 60 s")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def own_chroma(tmp_path):
    server = ChromaServer(tmp_path, free_port())
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


def _settings(tmp_path: Path, port: int) -> Settings:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    return Settings(home=tmp_path / "home", sources_file=sources, chroma_host="127.0.0.1", chroma_port=port)


def _one_line_unavailable(excinfo) -> None:
    message = str(excinfo.value)
    assert "\n" not in message and ("unavailable" in message or "did not answer" in message), message


def test_a_lost_server_is_reported_and_the_same_service_recovers_when_it_is_back(own_chroma, tmp_path, fake_embedder):
    own_chroma.start()
    service = build_service(_settings(tmp_path, own_chroma.port), embedder=fake_embedder)
    service.index()
    assert not service.ask(QUESTION).refused
    own_chroma.kill()
    for _ in range(2):  # and again: a failed reconnect must not wedge the service either
        with pytest.raises(StoreUnavailable) as excinfo:
            service.ask(QUESTION)
        _one_line_unavailable(excinfo)
    with pytest.raises(StoreUnavailable):
        service.index()
    own_chroma.start()
    answer = service.ask(QUESTION)
    assert not answer.refused and answer.citations
    assert service.index().unchanged and service.doctor() == ([], [])


def test_a_server_unreachable_at_start_is_reported_and_picked_up_when_it_comes(own_chroma, tmp_path, fake_embedder):
    service = build_service(_settings(tmp_path, own_chroma.port), embedder=fake_embedder)  # nothing listens yet
    with pytest.raises(StoreUnavailable) as excinfo:
        service.is_empty()
    _one_line_unavailable(excinfo)
    own_chroma.start()
    assert service.is_empty()
    service.index()
    assert not service.ask(QUESTION).refused


def test_the_command_line_says_so_in_one_line(tmp_path):
    result = newsbot("ask", QUESTION, home=tmp_path, env={"NEWSBOT_CHROMA_HOST": "127.0.0.1",
                                                          "NEWSBOT_CHROMA_PORT": str(free_port())})
    assert_clean_error(result, "the vector store at 127.0.0.1:")


def test_the_bot_keeps_answering_after_discord_asks_it_to_reconnect(seed_service, tmp_path):
    import asyncio

    from index.service.feedback import FeedbackStore
    from tests.support.discord_bot import running_bot
    from tests.support.discord_helpers import answered_with_buttons, text_of

    async def scenario() -> None:
        async with running_bot(seed_service, FeedbackStore(tmp_path / "feedback.sqlite")) as (fake, bot):
            before = await fake.slash("ask", {"question": QUESTION})
            await answered_with_buttons(fake, before)
            await fake.reconnect()
            await asyncio.wait_for(fake.resumed.wait(), 20)  # RECONNECT, then RESUME on a new socket
            after = await fake.slash("ask", {"question": QUESTION})  # delivered over the resumed gateway
            await answered_with_buttons(fake, after)
            answer = " ".join(text_of(m) for m in after.visible_messages())
            assert "halt attacks on energy" in answer and answer == " ".join(text_of(m) for m in before.visible_messages())
            assert fake.rejections == []

    asyncio.run(scenario())
