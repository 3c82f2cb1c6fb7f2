"""The fake OpenAI server speaks the real wire format: checked with the official clients."""

from __future__ import annotations

import time

import openai
import pytest
from llama_index.core.llms import ChatMessage
from llama_index.llms.openai_like import OpenAILike

from tests.support.fake_openai import (  # noqa: F401  (fixtures)
    FakeOpenAI,
    fake_openai,
    fake_openai_server,
    garbage,
    http_error,
    reply,
    slow,
)


def _client(fake: FakeOpenAI, **kw: object) -> openai.OpenAI:
    opts: dict[str, object] = {"base_url": fake.base_url, "api_key": "test", "max_retries": 2}
    opts.update(kw)
    return openai.OpenAI(**opts)  # type: ignore[arg-type]


def test_completion_round_trip(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(reply("Passage [2] says the pause covers energy targets."))
    resp = _client(fake_openai).chat.completions.create(
        model="gpt-test",
        messages=[{"role": "system", "content": "Cite passages."}, {"role": "user", "content": "What paused?"}],
    )
    assert resp.object == "chat.completion"
    assert resp.model == "gpt-test"
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].message.content == "Passage [2] says the pause covers energy targets."
    assert resp.choices[0].finish_reason == "stop"
    assert resp.usage is not None and resp.usage.completion_tokens > 0
    assert resp.usage.total_tokens == resp.usage.prompt_tokens + resp.usage.completion_tokens
    (req,) = fake_openai.requests
    assert req.path == "/v1/chat/completions"
    assert req.model == "gpt-test"
    assert req.headers["authorization"] == "Bearer test"
    assert "What paused?" in req.prompt_text and "Cite passages." in req.prompt_text


def test_streaming_yields_pieces_in_order_with_usage(fake_openai: FakeOpenAI) -> None:
    pieces = ["Put", "in ", "agreed", " [1]."]
    fake_openai.enqueue(reply("".join(pieces), pieces=pieces, chunk_delay=0.01))
    stream = _client(fake_openai).chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "q"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    deltas = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert deltas == pieces
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 0
    assert fake_openai.requests[0].json["stream"] is True


def test_default_responder_computes_reply_from_prompt(fake_openai: FakeOpenAI) -> None:
    fake_openai.set_default(lambda body: "echo: " + body["messages"][-1]["content"].upper())
    resp = _client(fake_openai).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "passages 1 and 3"}]
    )
    assert resp.choices[0].message.content == "echo: PASSAGES 1 AND 3"


def test_429_is_retried_by_client(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(http_error(429, "slow down", retry_after=0.05), reply("after retry"))
    resp = _client(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert resp.choices[0].message.content == "after retry"
    assert [r.retry_count for r in fake_openai.chat_requests] == [0, 1]


def test_429_without_retries_raises_rate_limit_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(http_error(429, "quota", retry_after=1))
    with pytest.raises(openai.RateLimitError) as info:
        _client(fake_openai, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "q"}]
        )
    assert info.value.status_code == 429
    assert info.value.code == "rate_limit_exceeded"
    assert info.value.response.headers["retry-after"] == "1"
    assert "quota" in str(info.value)


def test_500_three_times_raises_after_retries(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(*[http_error(500, "boom", retry_after=0.01)] * 3)
    with pytest.raises(openai.InternalServerError) as info:
        _client(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert info.value.status_code == 500
    assert len(fake_openai.chat_requests) == 3
    assert fake_openai.pending == 0


def test_503_then_success(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(http_error(503, retry_after=0.01), "ok now")
    resp = _client(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert resp.choices[0].message.content == "ok now"
    assert len(fake_openai.chat_requests) == 2


def test_slow_response_times_out(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(slow(5.0), slow(5.0))
    client = _client(fake_openai, timeout=0.3, max_retries=1)
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert time.monotonic() - started < 4.0
    assert len(fake_openai.chat_requests) == 2  # the client retried the timeout once


def test_slow_response_within_timeout_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(slow(0.2, "worth the wait"))
    resp = _client(fake_openai, timeout=5).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "q"}]
    )
    assert resp.choices[0].message.content == "worth the wait"


def test_invalid_json_body_surfaces_as_error(fake_openai: FakeOpenAI) -> None:
    # openai 2.x lets json.JSONDecodeError (a ValueError) escape for a broken JSON body.
    fake_openai.enqueue(garbage("invalid_json"))
    with pytest.raises(ValueError):
        _client(fake_openai, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "q"}]
        )


def test_empty_choices_is_delivered_as_is(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(garbage("empty_choices"))
    resp = _client(fake_openai).chat.completions.create(model="m", messages=[{"role": "user", "content": "q"}])
    assert resp.choices == []


def test_models_and_embeddings(fake_openai: FakeOpenAI) -> None:
    client = _client(fake_openai)
    assert [m.id for m in client.models.list()] == ["fake-model"]
    emb = client.embeddings.create(model="e", input=["putin pause energy", "putin pause energy", "cats"])
    vecs = [d.embedding for d in emb.data]
    assert [d.index for d in emb.data] == [0, 1, 2]
    assert len(vecs[0]) == 64 and vecs[0] == vecs[1] and vecs[0] != vecs[2]
    assert abs(sum(v * v for v in vecs[0]) - 1.0) < 1e-5
    floats = client.embeddings.create(model="e", input="cats", encoding_format="float")
    assert floats.data[0].embedding == pytest.approx(vecs[2], abs=1e-6)
    assert emb.usage.prompt_tokens == 7


def test_embeddings_error_queue(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(http_error(400, "too long"), endpoint="embeddings")
    with pytest.raises(openai.BadRequestError):
        _client(fake_openai).embeddings.create(model="e", input="x")


def test_reset_clears_queue_and_requests(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue("never served")
    _client(fake_openai).models.list()
    fake_openai.reset()
    assert fake_openai.requests == [] and fake_openai.pending == 0


def test_llama_index_openai_like_chat(fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(reply("According to [1], yes."))
    llm = OpenAILike(model="x", api_base=fake_openai.base_url, api_key="test", is_chat_model=True)
    out = llm.chat([ChatMessage(role="user", content="Did they agree?")])
    assert out.message.content == "According to [1], yes."
    (req,) = fake_openai.chat_requests
    assert req.model == "x" and req.messages[-1] == {"role": "user", "content": "Did they agree?"}


def test_llama_index_openai_like_stream_chat(fake_openai: FakeOpenAI) -> None:
    pieces = ["One", " two", " three"]
    fake_openai.enqueue(reply("".join(pieces), pieces=pieces))
    llm = OpenAILike(model="x", api_base=fake_openai.base_url, api_key="test", is_chat_model=True)
    deltas = [r.delta for r in llm.stream_chat([ChatMessage(role="user", content="count")])]
    assert [d for d in deltas if d] == pieces
    assert fake_openai.chat_requests[0].json["stream"] is True
