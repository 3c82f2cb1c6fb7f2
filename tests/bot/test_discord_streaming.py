"""/ask with an LLM: the deferred message is edited as the model writes (about once a second), and the
final edit carries the checked answer and its citations. The model is the fake OpenAI server, streaming."""
from __future__ import annotations

import pytest

from index.app import build_service
from index.settings import Settings
from tests.support.discord_helpers import assert_never_pings, buttons, text_of
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_openai import fake_openai, fake_openai_server, reply  # noqa: F401 (fixtures)

SEED_TITLE = "After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure targets"
CLAIM = "Putin agreed to temporarily halt attacks on energy and infrastructure targets in Ukraine [1]."
REPLY = CLAIM + " He also promised a base on Mars [7]."


@pytest.fixture
def llm_service(service, news_settings, fake_openai):  # noqa: F811
    """The bot's indexed service, with the fake OpenAI server as its language model."""
    settings = Settings(home=news_settings.home, sources_file=news_settings.sources_file,
                        openai_base_url=fake_openai.base_url, llm_model="fake-model", llm_max_retries=0,
                        llm_timeout=30, chroma_host="")
    return build_service(settings, embedder=service.embedder)


def _original_edits(fake: FakeDiscord) -> list:
    return [r for r in fake.requests if r.method == "PATCH" and r.path.endswith("/messages/@original")]


@pytest.mark.slow
def test_ask_streams_into_edits_then_shows_the_checked_answer(run_bot_scenario, llm_service, fake_openai):  # noqa: F811
    words = REPLY.split(" ")
    pieces = [w + " " for w in words[:-1]] + [words[-1]]
    fake_openai.enqueue(reply(REPLY, pieces=pieces, chunk_delay=0.2))

    async def scenario(fake: FakeDiscord, bot) -> None:
        inter = await fake.slash("ask", {"question": "What did Putin agree to?"})
        await fake.wait_for(lambda: any("embeds" in r.body for r in _original_edits(fake)), timeout=60)
        edits = _original_edits(fake)
        drafts, final = edits[:-1], edits[-1]
        assert len(drafts) >= 2
        shown = [d.body["content"].split("\n-# writing…")[0] for d in drafts]  # the text so far, then a note
        assert all(REPLY.startswith(text) for text in shown) and shown == sorted(set(shown), key=len)
        gaps = [b.at - a.at for a, b in zip(edits, edits[1:])]
        assert min(gaps) >= 0.9, gaps  # about once a second, the final edit included
        [message] = inter.visible_messages()
        main, sources = message["embeds"]
        assert main["description"] == CLAIM and not message["content"]  # the checked answer replaced the draft
        assert sources["title"] == "Sources" and sources["description"].startswith(f"**[1]** **{SEED_TITLE}**")
        assert buttons(message) == ["newsbot:quotes", "newsbot:up", "newsbot:down"]
        assert inter.followups == [] and "Mars" not in text_of(message)
        assert_never_pings(fake)

    run_bot_scenario(scenario, svc=llm_service)
