"""`newsbot digest` as a user runs it: a real process, a real store and the real embedder, on a JSONL
fixture of q1 articles (tests/data/stories.jsonl: several articles per event, one event covered by two
outlets, and same-topic articles of other events)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.derived_models import seed_models

pytestmark = pytest.mark.slow  # real newsbot processes (ARCHITECTURE.md, "Tests")

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "stories.jsonl"
ARTICLES = {row["url"]: row for row in map(json.loads, FIXTURE.read_text(encoding="utf-8").splitlines())}


def newsbot(*args: str, home: Path) -> subprocess.CompletedProcess:
    seed_models(home)  # the derived model graph, derived once for the run (tests/support/derived_models.py)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    environment |= {"NEWSBOT_HOME": str(home), "NEWSBOT_SOURCES": str(home / "sources.toml"), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A data folder whose one source is the fixture, indexed."""
    folder = tmp_path_factory.mktemp("digest")
    (folder / "sources.toml").write_text(f'[[source]]\nname = "fixture"\nkind = "jsonl"\nlocation = "{FIXTURE}"\n')
    indexed = newsbot("index", home=folder)
    assert indexed.returncode == 0, indexed.stderr
    return folder


def stories_of(home: Path, *args: str) -> list[dict]:
    result = newsbot("digest", "--json", *args, home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["stories"]


def story_with(stories: list[dict], fragment: str) -> dict:
    return next(s for s in stories if any(fragment in a["url"] for a in s["articles"]))


def test_stories_group_the_articles_of_one_event(home):
    stories = stories_of(home, "--since", "2020-01-01", "--limit", "50")
    urls = [a["url"] for s in stories for a in s["articles"]]
    assert sorted(urls) == sorted(ARTICLES)  # every article in exactly one story
    crash = story_with(stories, "plane-crash-timeline")
    assert len(crash["articles"]) == 5 and all("2025/01/29" in a["url"] or "2025/01/30" in a["url"]
                                               for a in crash["articles"])
    assert (crash["first"], crash["last"]) == ("2025-01-29", "2025-01-30")
    assert {a["title"] for a in story_with(stories, "what-is-deepseek")["articles"]} >= {
        "What is DeepSeek? What to know about the Chinese AI startup", "Nvidia's $500B drop is pure DeepSeek hysteria"}
    poll = story_with(stories, "lgbtq-population-increase")  # one Gallup poll, two outlets
    assert poll["outlets"] == ["cnn.com", "usatoday.com"] and len(poll["articles"]) == 2 and poll["outlet_count"] == 2
    assert story_with(stories, "genz-lgbtq") is not poll  # the same poll's 2025 edition is another event
    assert story_with(stories, "tax-filing-season") is not story_with(stories, "tax-season-irs-refund-delays")
    lasts = [s["last"] for s in stories]
    assert lasts == sorted(lasts, reverse=True)  # newest first


def test_summaries_cite_real_passages_of_the_story(home):
    stories = stories_of(home, "--since", "2025-01-27")
    assert stories and all(s["last"] >= "2025-01-27" for s in stories)
    for story in stories:
        assert story["summary"] and story["citations"]
        assert set(story) == {"title", "summary", "first", "last", "outlets", "outlet_count", "articles",
                              "citations"}
        assert all(set(a) == {"title", "url", "source", "published"} and a["source"] == "fixture"
                   for a in story["articles"])
        for citation in story["citations"]:
            assert set(citation) == {"n", "title", "source", "url", "published", "quote"}
            assert f"[{citation['n']}]" in story["summary"]
            assert citation["url"] in {a["url"] for a in story["articles"]}
            article = " ".join(ARTICLES[citation["url"]]["text"].split())
            assert " ".join(citation["quote"].split())[:200] in article  # the passage is the article's text
        assert len({c["url"] for c in story["citations"]}) == 1  # one article cited per story


def test_the_terminal_digest_and_its_filters(home):
    text = newsbot("digest", "--since", "2025-01-29", "--source", "fixture", home=home)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("1. ") and "[1] " in text.stdout and "usatoday.com" in text.stdout
    assert "Covered by 1 outlet: " in text.stdout or "outlets: " in text.stdout
    assert "Payton Gendron" not in text.stdout  # 2022: outside the window
    german = newsbot("digest", "--since", "2025-01-29", "--source", "fixture", "--language", "de", home=home)
    assert german.returncode == 0 and german.stdout.startswith("1. ") and "Berichtet von " in german.stdout
    assert "Covered by" not in german.stdout and "article" not in german.stdout.split("\n")[1]
    empty = newsbot("digest", home=home)  # the last day: nothing was published since
    assert empty.returncode == 0 and empty.stdout.startswith("No articles since ") and not empty.stderr
    assert json.loads(newsbot("digest", "--json", home=home).stdout) == {"stories": []}
    for args, fragment in ((("--since", "last week"), "I can't read --since"),
                           (("--source", "nope"), "unknown source 'nope'")):
        bad = newsbot("digest", *args, home=home)
        assert bad.returncode == 1 and fragment in bad.stderr and "Traceback" not in bad.stderr
