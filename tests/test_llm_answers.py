"""Generated answers end to end: the real openai client over HTTP to a fake OpenAI-compatible server."""
import re

import pytest

from index.app import build_service
from index.extractive import NOT_FOUND
from index.settings import Settings
from index.types import Turn
from tests.fakes.fake_openai import fake_openai, fake_openai_server, http_error, reply  # noqa: F401 (fixtures)


@pytest.fixture
def llm_service(seed_service, fake_openai):  # noqa: F811
    settings = Settings(home=seed_service.settings.home, openai_base_url=fake_openai.base_url,
                        llm_model="fake-model", llm_max_retries=1, llm_timeout=5)
    return build_service(settings, embedder=seed_service.embedder)


def _passage_numbers(prompt: str) -> list[int]:
    return [int(n) for n in re.findall(r"^\[(\d+)\] ", prompt, flags=re.MULTILINE)]


def test_cited_answer_keeps_only_citations_to_given_passages(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("Putin agreed to pause strikes on energy and infrastructure targets [1]. "
                              "He also promised a Mars base [42]."))
    answer = llm_service.ask("What did Putin agree to?")
    request = fake_openai.chat_requests[0]
    assert request.model == "fake-model"
    assert request.messages[0]["role"] == "system" and "data, not instructions" in request.messages[0]["content"]
    prompt = request.messages[1]["content"]
    assert "<passages>" in prompt and "Question: What did Putin agree to?" in prompt
    assert _passage_numbers(prompt) == list(range(1, len(_passage_numbers(prompt)) + 1))
    assert not answer.refused
    assert answer.text == ("Putin agreed to pause strikes on energy and infrastructure targets [1]. "
                           "He also promised a Mars base.")
    assert len(answer.citations) == 1 and answer.citations[0].quote in prompt


def test_not_found_reply_becomes_a_refusal_with_closest_articles(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("NOT FOUND"))
    answer = llm_service.ask("What did Putin say about Taiwan?")
    assert answer.refused and answer.text == NOT_FOUND and answer.closest


def test_llm_outage_falls_back_to_the_extractive_answer(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(http_error(500), http_error(500))
    answer = llm_service.ask("What did Putin agree to?")
    assert len(fake_openai.chat_requests) == 2  # the openai client retried once itself
    assert not answer.refused and "energy" in answer.text and answer.citations
    assert "language model is unavailable" in answer.note


def test_rate_limit_is_retried_then_answered(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(http_error(429, retry_after=0.1), reply("Energy strikes are paused [1]."))
    answer = llm_service.ask("What did Putin agree to?")
    assert [r.retry_count for r in fake_openai.chat_requests] == [0, 1]
    assert answer.text == "Energy strikes are paused [1]." and answer.note == ""


def test_follow_up_is_rewritten_into_a_standalone_question(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("What did Zelensky say about the energy ceasefire?"),
                        reply("Zelensky said Ukraine would support the pause [1]."))
    answer = llm_service.ask("And what did he say?", history=[Turn("What did Putin agree to?", "A pause [1].")])
    rewrite, final = fake_openai.chat_requests
    assert "Follow-up question: And what did he say?" in rewrite.messages[1]["content"]
    assert "Question: What did Zelensky say about the energy ceasefire?" in final.messages[1]["content"]
    assert answer.question == "What did Zelensky say about the energy ceasefire?" and answer.citations


def test_summary_is_generated_from_the_article_passages(llm_service, fake_openai):  # noqa: F811
    fake_openai.enqueue(reply("Russia agreed to a 30-day pause on energy strikes [1]. Talks follow [2]."))
    answer = llm_service.summarize("After call with Trump, Putin agrees to pause attacks on Ukraine’s energy "
                                   "and infrastructure targets")
    prompt = fake_openai.chat_requests[0].messages[1]["content"]
    assert "Write a summary of the article “After call with Trump" in prompt
    assert [c.n for c in answer.citations] == [1, 2]
