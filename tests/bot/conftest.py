"""Fixtures for the Discord adapter: the real service (built once) and the real bot against FakeDiscord."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from bot.discord.app import NewsBot
from index.service.feedback import FeedbackStore
from tests.support.derived_models import seed_models
from tests.support.discord_bot import running_bot
from tests.support.fake_discord import FakeDiscord
from tests.support.paths import SEEDS

EVERYONE_ARTICLE = """Lighthouse keepers vote to strike over pay
By Dana Whitlock, Harbour Gazette
Published 2025-03-21

The lighthouse keepers' union posted a notice that began "@everyone and @here: the strike starts Monday",
and its members voted by a wide margin to stop work at all twelve coastal lighthouses over unpaid overtime.
The union's secretary, Marta Quill, said the keepers had not been paid for night shifts since January.
Harbour authorities said ships would be warned by radio while the lighthouses are dark.
"""
Scenario = Callable[[FakeDiscord, NewsBot], Awaitable[None]]


def _write_sources(home: Path) -> Path:
    articles = home / "articles"
    articles.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, articles / seed.name)
    (articles / "2025-03-21-harbour-gazette-lighthouse-keepers-strike.txt").write_text(EVERYONE_ARTICLE)
    scratch = home / "scratch"
    scratch.mkdir()
    (scratch / "2025-01-01-scratch-note.txt").write_text(
        "Allotment society elects a new chair\n\nThe allotment society elected a retired teacher as its chair "
        "on Saturday, after the previous chair moved away. Members also agreed to plant more fruit trees "
        "along the north fence and to share the cost of a new water tank for the upper plots.\n")
    sources = home / "sources.toml"
    sources.write_text('[[source]]\nname = "news"\nkind = "folder"\nlocation = "articles"\n\n'
                       '[[source]]\nname = "scratch"\nkind = "folder"\nlocation = "scratch"\n')
    return sources


@pytest.fixture(scope="session")
def news_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings of a fresh home with the seed article, an article containing @everyone, and a scratch source."""
    from index.settings import Settings

    home = tmp_path_factory.mktemp("newsbot-home")
    return Settings(home=home, sources_file=_write_sources(home), openai_api_key=None, openai_base_url="",
                    chroma_host="")


@pytest.fixture(scope="session")
def service(news_settings):
    """The real NewsService (embedded Chroma, MiniLM embeddings, offline answers), indexed once."""
    from index.app import build_service

    seed_models(news_settings.home)  # the derived model graph, derived once for the run
    svc = build_service(news_settings)
    report = svc.index()
    assert len(report.added) == 3, report
    return svc


@pytest.fixture
def scoped_service(tmp_path, service):
    """A fresh home with the seed article (published 2025-03-19) as the shared source; private URLs allowed
    (tests/support/scoped_sources.py), the session's embedder reused."""
    from index.app import build_service
    from tests.support.scoped_sources import scoped_settings

    svc = build_service(scoped_settings(tmp_path / "home"), embedder=service.embedder)
    assert len(svc.index().added) == 1
    return svc


@pytest.fixture
def feedback(tmp_path: Path) -> FeedbackStore:
    """A fresh feedback database per test."""
    return FeedbackStore(tmp_path / "feedback.sqlite")


@pytest.fixture
def run_bot_scenario(service, feedback) -> Callable[..., None]:
    """Run `scenario(fake, bot)` against a running bot; afterwards the fake must have rejected nothing."""
    def run(scenario: Scenario, *, svc: Any = None, allow_rejections: bool = False, **options: Any) -> None:
        async def main() -> None:
            async with running_bot(svc or service, feedback, **options) as (fake, bot):
                await scenario(fake, bot)
                if not allow_rejections:
                    assert fake.rejections == [], fake.rejections
        asyncio.run(main())
    return run
