"""`NewsService.digest` with an LLM: each story's summary is written from prompts/story.md by the real openai
client against the fake OpenAI server, and checked like every answer (tests/data/stories.jsonl indexed)."""
import re
from datetime import date
from pathlib import Path

import pytest

from index.app import build_service
from index.settings import Settings
from index.text import sentence_spans
from tests.support.fake_openai import fake_openai, fake_openai_server  # noqa: F401

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "stories.jsonl"


@pytest.fixture(scope="module")
def indexed_home(tmp_path_factory, embedder) -> Path:
    """A data folder with the fixture indexed (offline)."""
    home = tmp_path_factory.mktemp("digests")
    (home / "sources.toml").write_text(f'[[source]]\nname = "fixture"\nkind = "jsonl"\nlocation = "{FIXTURE}"\n')
    service = build_service(Settings(home=home, sources_file=home / "sources.toml"), embedder=embedder)
    assert not service.index().errors
    return home


def first_sentence_model(body: dict) -> str:
    """A model that tells the story in the first sentence of passage [1], cited."""
    prompt = body["messages"][-1]["content"]
    text = prompt.split("<passages>\n", 1)[1].split("\n</passages>", 1)[0].split("\n", 1)[1]
    start, end = sentence_spans(text)[0]
    return f"{text[start:end].strip().rstrip('.')} [1]."


def test_an_llm_writes_each_story_and_its_citations_are_checked(indexed_home, embedder, fake_openai):  # noqa: F811
    fake_openai.set_default(first_sentence_model)
    settings = Settings(home=indexed_home, sources_file=indexed_home / "sources.toml",
                        openai_base_url=fake_openai.base_url, llm_model="fake-model", llm_max_retries=1, llm_timeout=5)
    digest = build_service(settings, embedder=embedder).digest(since=date(2025, 1, 29), until=date(2025, 1, 30))
    assert digest.stories and (digest.since, digest.until) == (date(2025, 1, 29), date(2025, 1, 30))
    prompts = [r.prompt_text for r in fake_openai.chat_requests]
    assert len(prompts) == len(digest.stories) and all("Write one or two sentences that tell the story" in p
                                                       for p in prompts)
    for story in digest.stories:
        assert re.fullmatch(r".+ \[1\]\.?", story.summary) and [c.n for c in story.citations] == [1]
        cited = story.citations[0]
        assert cited.url in {a.url for a in story.articles}
        assert story.summary.split(" [1]")[0].rstrip(".") in " ".join(cited.quote.split())
        assert all(date(2025, 1, 29) <= a.published <= date(2025, 1, 30) for a in story.articles)
    crash = next(s for s in digest.stories if any("plane-crash-timeline" in a.url for a in s.articles))
    assert len(crash.articles) == 5 and crash.outlets == ("usatoday.com",)
    assert crash.story_id == f"story-{crash.articles[0].article_id}" and crash.first == date(2025, 1, 29)


def test_the_packaged_cross_encoder_judges_stories_unless_turned_off(indexed_home, embedder):
    settings = Settings(home=indexed_home, sources_file=indexed_home / "sources.toml")
    judge = build_service(settings, embedder=embedder).digests.judge
    assert judge is not None and len(judge([("Putin agreed to a pause", "Putin agreed to pause strikes")])) == 1
    off = Settings(home=indexed_home, sources_file=indexed_home / "sources.toml", rerank="none")
    assert build_service(off, embedder=embedder).digests.judge is None
