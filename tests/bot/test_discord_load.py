"""Load through the fake Discord: 200 /ask from 50 users while a full re-index runs in the same process.

Every interaction must be acknowledged within Discord's 3 s, and then answered from the index (old or
new, never a half-built one) or told to slow down (busy); nothing may be logged as an error.
"""
from __future__ import annotations

import asyncio
import logging

import pytest

from bot.discord.limits import Limits
from index.app import build_service
from index.service.feedback import FeedbackStore
from tests.support.discord_bot import running_bot
from tests.support.discord_helpers import DEADLINE, text_of
from tests.support.paths import SEEDS
from tests.support.corpus import write_corpus

pytestmark = pytest.mark.slow  # 200 asks during a full re-index

DEFERRED, MESSAGE = 5, 4
QUESTIONS = ("What did Putin agree to?", "What did the harbour council of district 3 discuss?",
             "What happened to the water supply plan?", "Which budget was approved in district 7?")


def test_two_hundred_asks_from_fifty_users_during_a_full_reindex(store_settings, embedder, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, edition=1)
    store_settings.sources_file.write_text(
        f'[[source]]\nname = "corpus"\nkind = "folder"\nlocation = "{corpus}"\n'
        f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    service = build_service(store_settings, embedder=embedder)
    service.index()
    write_corpus(corpus, edition=2)

    async def scenario() -> None:
        async with running_bot(service, FeedbackStore(tmp_path / "feedback.sqlite"),
                               limits=Limits(progress_interval=0.0)) as (fake, bot):
            reindex = asyncio.create_task(asyncio.to_thread(service.index, full=True))
            inters = []
            for round_ in range(4):
                for user in range(50):
                    inters.append(await fake.slash("ask", {"question": QUESTIONS[(user + round_) % 4]},
                                                   user=f"user{user}"))
                    await asyncio.sleep(0.01)
            report = await reindex
            await fake.wait_for(lambda: all(i.acks for i in inters), 60)
            deferred = [i for i in inters if i.ack_type == DEFERRED]
            await fake.wait_for(lambda: all(i.followups for i in deferred), 300)
            # a full re-index embeds everything anew, and reports each article against what was indexed before
            assert len(report.added) + len(report.updated) + len(report.unchanged) == 49 and not report.errors
            assert all(i.ack_delay is not None and i.ack_delay < DEADLINE and i.rejected_acks == 0 for i in inters)
            slowed = [i for i in inters if i.ack_type == MESSAGE]
            assert len(deferred) + len(slowed) == 200 and deferred
            assert all(i.acks[0][2]["content"].startswith(("Slow down", "I'm busy")) for i in slowed)
            texts = [text_of(i.followups[0]) for i in deferred]
            assert all("[1]" in t or "couldn't find" in t for t in texts), [t for t in texts if "[1]" not in t][:3]
            assert fake.rejections == []
            print(f"\nload: {len(deferred)} answered, {len(slowed)} told to slow down, "
                  f"slowest ack {max(i.ack_delay for i in inters):.2f} s")

    asyncio.run(scenario())
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
