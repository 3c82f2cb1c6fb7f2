"""A real llama.cpp OpenAI-compatible server answers the official openai client (protocol only)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import openai
import pytest

from tests.support.llama_server import LlamaServer, llama_server  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow  # starts a real llama.cpp server

MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Name three colours."},
]


def _client(server: LlamaServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="none", max_retries=0, timeout=120)


@contextlib.contextmanager
def _server_log_on_disconnect(server: LlamaServer) -> Iterator[None]:
    """Turn a dropped connection (server crash) into a failure that shows the server log."""
    try:
        yield
    except openai.APIConnectionError as exc:
        pytest.fail(f"llama.cpp server dropped the connection ({exc}); server log:\n{server.log_tail()}")


def test_models_lists_the_alias(llama_server: LlamaServer) -> None:
    ids = [m.id for m in _client(llama_server).models.list()]
    assert llama_server.model in ids


def test_chat_completion(llama_server: LlamaServer) -> None:
    with _server_log_on_disconnect(llama_server):
        resp = _client(llama_server).chat.completions.create(
            model=llama_server.model, messages=MESSAGES, max_tokens=24, temperature=0
        )
    assert resp.object == "chat.completion"
    choice = resp.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content and choice.message.content.strip()
    assert choice.finish_reason in {"stop", "length"}
    assert resp.usage is not None
    assert resp.usage.prompt_tokens > 0 and resp.usage.completion_tokens > 0


def test_streamed_completion(llama_server: LlamaServer) -> None:
    with _server_log_on_disconnect(llama_server):
        stream = _client(llama_server).chat.completions.create(
            model=llama_server.model, messages=MESSAGES, max_tokens=24, temperature=0, stream=True
        )
        chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) >= 2
    assert "".join(pieces).strip()
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes and finishes[-1] in {"stop", "length"}
    assert all(c.object == "chat.completion.chunk" for c in chunks)


def test_llama_index_openai_like_stream_chat(llama_server: LlamaServer) -> None:
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(
        model=llama_server.model,
        api_base=llama_server.base_url,
        api_key="none",
        is_chat_model=True,
        max_tokens=16,
        timeout=120,
        max_retries=0,
    )
    with _server_log_on_disconnect(llama_server):
        responses = list(llm.stream_chat([ChatMessage(role="user", content="Say hello.")]))
    assert len([r for r in responses if r.delta]) >= 2
    assert responses[-1].message.content and responses[-1].message.content.strip()
