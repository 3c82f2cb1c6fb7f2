"""The answer pipeline against a real llama.cpp server (SmolLM2-135M): its guarantees, not the model's wisdom.

Whatever the tiny model writes, what the user is shown is either a refusal listing the closest articles,
or sentences that each cite a passage the model was given and that supports them.
"""
from __future__ import annotations

import shutil

import pytest

from index.app import build_service
from index.answering.extractive import NOT_FOUND
from index.settings import Settings
from index.types import Answer
from tests.support.paths import SEED_ARTICLE
from tests.support.llama_server import LlamaServer, llama_server  # noqa: F401  (fixture)
from tests.support.llm_answers import INJECTED_ARTICLE, SEED_TITLE, assert_every_citation_supported

pytestmark = pytest.mark.slow  # a real llama.cpp server writes every answer


def assert_guarantee(answer: Answer, embedder) -> None:
    """A refusal with the closest articles, or every shown citation valid and supporting its sentence."""
    assert answer.note == "", answer.note  # the model answered: this is not the extractive fallback
    assert answer.checks is not None
    if answer.refused:
        assert answer.text == NOT_FOUND and not answer.citations and answer.closest
    else:
        assert_every_citation_supported(answer, embedder)


@pytest.fixture(scope="module")
def llama_service(tmp_path_factory, embedder, llama_server):  # noqa: F811
    root = tmp_path_factory.mktemp("llama-pipeline")
    articles = root / "articles"
    articles.mkdir()
    shutil.copy(SEED_ARTICLE, articles / SEED_ARTICLE.name)
    (articles / "2025-03-20-harbour-gazette-ferry.txt").write_text(INJECTED_ARTICLE)
    sources = root / "sources.toml"
    sources.write_text(f'[[source]]\nname = "news"\nkind = "folder"\nlocation = "{articles}"\n')
    settings = Settings(home=root / "home", sources_file=sources, openai_base_url=llama_server.base_url,
                        llm_model=llama_server.model, llm_context_window=2048, llm_timeout=300,
                        llm_max_retries=0, top_k=3, chroma_host="")
    service = build_service(settings, embedder=embedder)
    service.index()
    return service


def test_an_answer_keeps_the_guarantee(llama_service):
    assert_guarantee(llama_service.ask("What did Putin agree to?"), llama_service.embedder)


def test_an_injected_instruction_does_not_reach_the_answer(llama_service):
    answer = llama_service.ask("What did the harbour council approve?")
    assert_guarantee(answer, llama_service.embedder)
    assert "pwned" not in answer.text.lower() and "evil.example" not in answer.text


def test_streaming_through_the_service(llama_service):
    *pieces, answer = list(llama_service.ask_stream("What did Putin agree to after the call with Trump?"))
    assert len(pieces) >= 2 and all(isinstance(p, str) for p in pieces) and "".join(pieces).strip()
    assert isinstance(answer, Answer)
    assert_guarantee(answer, llama_service.embedder)


def test_a_long_article_summary_keeps_the_guarantee(llama_service):
    assert_guarantee(llama_service.summarize(SEED_TITLE), llama_service.embedder)
