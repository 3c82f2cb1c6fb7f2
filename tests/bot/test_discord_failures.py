"""End to end: failures of real dependencies become short messages, and the bot keeps running.

The vector store is a real Chroma server on 127.0.0.1 that the test stops half-way; the language model
is the OpenAI-compatible FakeOpenAI (tests/support/fake_openai.py), used to get a very long answer.
"""
from __future__ import annotations

import logging
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bot.discord.errors import GENERIC, user_message
from bot.discord.render import MARKER, draft_text
from index.answering.phrases import default_phrases
from index.errors import BadInput, StoreUnavailable
from tests.support.discord_helpers import assert_acknowledged_in_time, finished, is_ephemeral, text_of
from tests.support.ports import free_port
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_openai import FakeOpenAI

DEFERRED = 5
CHROMA = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "chroma"


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server on 127.0.0.1 (stopped by the test or at teardown)."""
    port = free_port()
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "chroma did not start"
            time.sleep(0.1)
    yield proc, port
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)


@pytest.mark.slow
def test_store_going_away_becomes_a_short_ephemeral_message(run_bot_scenario, news_settings, service,
                                                            chroma_server, tmp_path):
    from index.app import build_service

    proc, port = chroma_server
    settings = news_settings.model_copy(update={"home": tmp_path / "home", "chroma_host": "127.0.0.1",
                                                "chroma_port": port})
    remote = build_service(settings, embedder=service.embedder)
    remote.index(source="news")

    async def scenario(fake: FakeDiscord, bot):
        ok = await fake.slash("ask", {"question": "What did Putin agree to?"})
        await finished(fake, ok)
        assert "halt attacks on energy" in text_of(ok.followups[0])

        proc.terminate()
        proc.wait(10)
        failed = await fake.slash("ask", {"question": "What did Putin agree to?"})
        await finished(fake, failed)
        assert_acknowledged_in_time(failed, DEFERRED)
        [message] = failed.followups
        assert is_ephemeral(message) and failed.original_deleted
        # The member is told plainly; which store failed, and how, is in the log.
        assert message["content"] == "I can't reach the article index right now; please try again in a few " \
            "minutes.", message["content"]

        # The bot is still up: commands that do not need the store still work.
        complete = await fake.autocomplete("summary", {"target": "put"}, focused="target")
        await fake.wait_for(lambda: complete.acks)
        assert complete.ack_type == 8
    run_bot_scenario(scenario, svc=remote)


def test_unexpected_errors_are_logged_and_shown_generically(caplog):
    caplog.set_level(logging.INFO, logger="newsbot.discord")
    try:
        {}["missing"]
    except KeyError as error:
        assert user_message(error, "ask by 1") == GENERIC
    assert caplog.records[-1].levelno == logging.ERROR and caplog.records[-1].exc_info
    assert user_message(StoreUnavailable("the vector store did not answer (ConnectError)")) == \
        "the vector store did not answer (ConnectError)"  # without a member's words: as written
    assert "Traceback" not in GENERIC


def test_an_error_is_said_in_the_members_words_and_as_written_when_it_has_no_phrase():
    german = default_phrases()["de"].texts
    assert user_message(StoreUnavailable("the vector store did not answer (ConnectError)"), words=german) == \
        german["index_unavailable"]
    assert user_message(KeyError("x"), words=german) == german["went_wrong"]
    assert user_message(BadInput("x", phrase="too_long", length=2100, limit=2000), words=german) == \
        "Das ist zu lang (2100 Zeichen); bitte bleib unter 2000."
    assert user_message(BadInput("unknown source 'x'"), words=german) == "unknown source 'x'"  # no phrase: as written
    # a phrase whose values are out of step with its text is said as written rather than raising
    assert user_message(BadInput("Slow down", phrase="slow_down", count=1), words=german) == "Slow down"


def test_a_draft_says_it_is_being_written_in_the_answers_language():
    draft = draft_text("Putin stimmte zu [1]", default_phrases()["de"].texts["writing"])
    assert draft.endswith("\n-# wird geschrieben… die Quellenangaben werden am Ende geprüft")
    assert len(draft_text("x" * 5000, "y" * 500)) <= 2000


@pytest.mark.slow
def test_a_long_llm_answer_is_split_across_messages(run_bot_scenario, news_settings, service):
    from index.app import build_service

    sentence = ("Putin agreed to temporarily halt attacks on energy and infrastructure targets in Ukraine "
                "after a long call with Trump, while declining a broader thirty-day ceasefire [1]. ")
    reply = (sentence * 70).strip()  # ~11,000 characters, 70 markers
    with FakeOpenAI() as llm:
        llm.set_default(lambda body: reply)
        settings = news_settings.model_copy(update={"openai_base_url": llm.base_url, "llm_max_retries": 0})
        with_llm = build_service(settings, embedder=service.embedder)

        async def scenario(fake: FakeDiscord, bot):
            inter = await fake.slash("ask", {"question": "What did Putin agree to?"})
            # with an LLM the deferred message is edited into the first part (streaming), then follow-ups
            await fake.wait_for(lambda: inter.visible_messages() and inter.visible_messages()[-1]["components"], 60)
            assert_acknowledged_in_time(inter, DEFERRED)
            messages = inter.visible_messages()
            assert len(messages) >= 2
            bodies = [e["description"] for m in messages for e in m["embeds"] if e.get("title") != "Sources"]
            assert all(len(b) <= 4096 for b in bodies)
            assert " ".join(bodies).split() == reply.split()  # nothing lost, no word broken
            assert sum(len(MARKER.findall(b)) for b in bodies) == 70 and all(not MARKER.match(b) for b in bodies)
            assert re.search(r"\*\*\[1\]\*\* \*\*After call with Trump", text_of(messages[-1]))
            assert [m["components"] != [] for m in messages] == [False] * (len(messages) - 1) + [True]
        run_bot_scenario(scenario, svc=with_llm)
        assert llm.chat_requests  # the answer really came from the language model
