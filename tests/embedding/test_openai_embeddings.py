"""OpenAI embeddings end to end: `newsbot` indexes and answers with NEWSBOT_EMBED_MODEL set to an OpenAI
model, through the real openai client over HTTP to the fake OpenAI-compatible server on 127.0.0.1."""
from __future__ import annotations

import json
import re

import pytest

from index.app import build_service
from index.embedding.embedders import OpenAIEmbedder
from index.errors import EmbedderUnavailable
from index.settings import Settings
from index.tokens import tiktoken_encoder
from tests.support.fake_openai import EMBEDDINGS_PATH, fake_openai, fake_openai_server, http_error  # noqa: F401
from tests.support.cli_process import newsbot

pytestmark = pytest.mark.slow  # `newsbot` processes

MODEL = "text-embedding-3-small"
SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence_of_each_passage(body: dict) -> str:
    """A chat model that quotes the first sentence of the first two numbered passages, cited."""
    prompt = body["messages"][-1]["content"]
    blocks = re.findall(r"^\[(\d+)\] [^\n]*\n([^\n]+)", prompt.split("<passages>", 1)[1], flags=re.M)
    firsts = [(n, SENTENCE_END.split(text.strip())[0].rstrip(".")) for n, text in blocks[:2]]
    return " ".join(f"{sentence} [{n}]." for n, sentence in firsts)


def openai_env(fake) -> dict[str, str]:
    return {"NEWSBOT_EMBED_MODEL": MODEL, "OPENAI_BASE_URL": fake.base_url, "NEWSBOT_LLM_MODEL": "fake-model",
            "NEWSBOT_LLM_MAX_RETRIES": "0", "NEWSBOT_LLM_TIMEOUT": "10"}


def test_openai_embeddings_index_the_seeds_and_answer(tmp_path, fake_openai):  # noqa: F811
    fake_openai.set_default(first_sentence_of_each_passage)
    result = newsbot("ask", "What did Putin agree to?", "--json", home=tmp_path, env=openai_env(fake_openai))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert not answer["refused"] and answer["citations"], answer
    assert any("Putin" in c["title"] for c in answer["citations"])
    embedding_calls = [r for r in fake_openai.requests if r.path == EMBEDDINGS_PATH]
    assert embedding_calls and {r.json["model"] for r in embedding_calls} == {MODEL}
    # the question itself was embedded by the same model: one call carries exactly the question
    assert any(r.json["input"] == ["What did Putin agree to?"] for r in embedding_calls)


def test_chunks_are_counted_in_the_models_own_tokens(tmp_path, fake_openai):  # noqa: F811
    settings = Settings(home=tmp_path, embed_model=MODEL, openai_base_url=fake_openai.base_url, llm_max_retries=0)
    service = build_service(settings)
    assert isinstance(service.embedder, OpenAIEmbedder)
    service.index()
    texts = [t for r in fake_openai.requests if r.path == EMBEDDINGS_PATH for t in r.json["input"]]
    encode = tiktoken_encoder(MODEL)
    assert len(texts) > 3
    assert max(len(encode(t)) for t in texts) <= settings.chunk_tokens
    # vectors of different models never share a collection
    local = build_service(Settings(home=tmp_path))
    assert service.store.name != local.store.name and MODEL in service.store.name


def test_an_embedding_server_error_is_one_line(tmp_path, fake_openai):  # noqa: F811
    for _ in range(4):
        fake_openai.enqueue(http_error(401, "bad key"), endpoint="embeddings")
    result = newsbot("index", home=tmp_path, env=openai_env(fake_openai))
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    *progress, error = result.stderr.strip().splitlines()
    assert error.startswith("newsbot: error:") and f"the embedding model {MODEL} failed: AuthenticationError " \
        "(HTTP 401)" in error
    assert all(line.startswith("newsbot: indexing:") for line in progress)  # progress, without a terminal


def test_embedding_errors_are_translated_in_process(tmp_path, fake_openai):  # noqa: F811
    fake_openai.enqueue(http_error(400, "too long"), endpoint="embeddings")
    settings = Settings(home=tmp_path, embed_model=MODEL, openai_base_url=fake_openai.base_url, llm_max_retries=0)
    with pytest.raises(EmbedderUnavailable, match="BadRequestError"):
        build_service(settings).embedder.embed(["a text"])
