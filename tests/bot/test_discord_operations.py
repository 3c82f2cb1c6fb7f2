"""Operations: SIGTERM during an answer, a /reindex that outlives its interaction token, sharding, and
the log file of `newsbot run`."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import time

from bot.discord.app import ShardedNewsBot
from bot.discord.lifecycle import install_signal_handlers
from bot.discord.limits import Limits
from bot.run_logging import setup_run_logging
from tests.support.discord_bot import running_bot
from tests.support.discord_helpers import finished, is_ephemeral, text_of
from tests.support.scoped_sources import ADMIN, SEED_TITLE
from tests.support.fake_discord import FakeDiscord

QUESTION = "What did Putin agree to?"


class SlowService:
    """The real service, answering one second late (long enough to send a signal in the middle)."""

    def __init__(self, service, seconds: float = 1.0) -> None:
        self._service = service
        self.seconds = seconds
        self.started = 0

    def ask(self, *args, **kwargs):
        self.started += 1
        time.sleep(self.seconds)
        return self._service.ask(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._service, name)


def test_sigterm_during_an_answer_finishes_it_and_closes_the_gateway(service, feedback):
    slow = SlowService(service)

    async def main() -> None:
        async with running_bot(slow, feedback) as (fake, bot):
            assert install_signal_handlers(bot, bot.deps.admission, grace=20)
            inter = await fake.slash("ask", {"question": QUESTION})
            await fake.wait_for(lambda: inter.acks)
            while not slow.started:
                await asyncio.sleep(0.01)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(0.05)
            late = await fake.slash("ask", {"question": QUESTION}, user="bob")  # while shutting down
            await finished(fake, inter)
            assert SEED_TITLE in text_of(inter.followups[0])  # the answer in flight was posted
            await fake.wait_for(lambda: late.acks)
            assert is_ephemeral(late.acks[0][2])
            assert late.acks[0][2]["content"] == "I'm restarting; please ask again in a minute."
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            while not bot.is_closed():
                assert loop.time() < deadline, "the bot did not close"
                await asyncio.sleep(0.02)
            assert fake.rejections == []
    asyncio.run(main())


def test_a_reindex_longer_than_the_token_reports_in_a_new_message(service, feedback):
    operator = int(FakeDiscord().user("alice")["id"])

    async def main() -> None:
        async with running_bot(service, feedback, operator_ids=(operator,),
                               limits=Limits(progress_interval=0.0, token_seconds=0.0)) as (fake, bot):
            run = await fake.slash("reindex", permissions=ADMIN)
            await fake.wait_for(lambda: fake.bot_messages(fake.channel_id))
            [report] = fake.bot_messages(fake.channel_id)
            assert report["content"].startswith("Re-index finished in")
            assert report["allowed_mentions"] == {"parse": []}
            assert not any("finished" in (e.get("content") or "") for e in run.edits)
    asyncio.run(main())


def test_the_sharded_bot_connects_and_answers(service, feedback):
    async def main() -> None:
        async with running_bot(service, feedback, bot_class=ShardedNewsBot) as (fake, bot):
            assert bot.shard_count == 1
            assert any(r.path == "/gateway/bot" for r in fake.requests)
            inter = await fake.slash("ask", {"question": QUESTION})
            await finished(fake, inter)
            assert SEED_TITLE in text_of(inter.followups[0])
    asyncio.run(main())


def test_run_logs_info_to_stderr_and_to_a_file_in_the_home(tmp_path, capsys):
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    try:
        path = setup_run_logging(tmp_path)
        logging.getLogger("newsbot.discord").info("connected as newsbot")
    finally:
        for handler in root.handlers:
            if handler not in saved[1]:
                handler.close()
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
    assert path == tmp_path / "newsbot.log"
    assert "INFO newsbot.discord: connected as newsbot" in path.read_text()
