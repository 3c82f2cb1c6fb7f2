"""A forum feed channel gets one post per story (issue 23): a later article of a story already posted is a
reply in that story's forum post, an article of another story a post of its own; through the fake Discord."""
from __future__ import annotations

import asyncio

import pytest

from bot.discord.limits import Limits
from index.app import build_service
from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import assert_never_pings, until
from tests.support.fake_discord_posting import FORUM
from tests.support.scoped_sources import ADMIN, CHESS, ROWING, page, scoped_settings

pytestmark = pytest.mark.slow
LIMITS = Limits(per_user=1000, progress_interval=0.0, posts_per_refresh=5)
CHESS_AGAIN = ("Chess club in Riverside to hold its weekly meetings in the old library",
               "The Riverside chess club is moving its weekly Thursday evening meetings to the reading room of "
               "the old library, treasurer Ingrid Vasquez said, because the community hall is closed for repairs.")


@pytest.fixture
def fresh_service(tmp_path, service):
    """A fresh home whose shared source `news` is a folder the test writes articles into."""
    svc = build_service(scoped_settings(tmp_path / "home"), embedder=service.embedder)
    svc.index()
    return svc


def publish(svc, *articles: tuple[str, str]) -> list:
    """Write articles into the `news` folder and refresh it, as the refresh schedule does."""
    folder = svc.settings.home / "articles"
    for title, text in articles:
        (folder / f"2025-03-21-{'-'.join(title.lower().split()[:3])}.txt").write_text(page(title, text), "utf-8")
    return svc.index(source="news").new_articles



def test_the_story_of_an_article_holds_the_other_articles_of_its_event(fresh_service):
    [chess] = publish(fresh_service, CHESS)
    again, rowing = sorted(publish(fresh_service, CHESS_AGAIN, ROWING), key=lambda a: a.title != CHESS_AGAIN[0])
    stories = fresh_service.stories_of([again.article_id, rowing.article_id, chess.article_id, "no such article"])
    assert {a.article_id for a in stories[again.article_id].articles} == {chess.article_id, again.article_id}
    assert stories[chess.article_id] == stories[again.article_id]  # one grouping: the same story for both
    assert [a.article_id for a in stories[rowing.article_id].articles] == [rowing.article_id]
    assert "no such article" not in stories and fresh_service.stories_of([]) == {}


def test_a_forum_gets_one_post_per_story_and_later_articles_as_replies(fresh_service, feedback, tmp_path):
    async def main() -> None:
        async with running_bot(fresh_service, feedback, state=state_at(tmp_path / "guilds.sqlite3"),
                               limits=LIMITS) as (fake, bot):
            forum = await fake.add_channel("stories", kind=FORUM)
            inter = await fake.slash("feed", {"source": "news"}, sub="post", permissions=ADMIN,
                                     channels={"channel": forum})
            await fake.wait_for(lambda: inter.acks)
            assert "will be posted in" in inter.acks[0][2].get("content", "")

            def posts() -> list[dict]:
                return [t for t in fake.threads.values() if t["parent_id"] == forum]

            await asyncio.to_thread(publish, fresh_service, CHESS)
            [chess_post] = await until(lambda: posts())
            await asyncio.to_thread(publish, fresh_service, CHESS_AGAIN, ROWING)
            await until(lambda: len(posts()) == 2 and len(fake.bot_messages(chess_post["id"])) == 2)
            assert sorted(t["name"] for t in posts()) == sorted([CHESS[0], ROWING[0]])
            starter, reply = fake.bot_messages(chess_post["id"])  # the post, then the story's later article
            assert starter["id"] == chess_post["id"] and starter["embeds"][0]["title"] == CHESS[0]
            assert reply["embeds"][0]["title"] == CHESS_AGAIN[0]
            assert fake.rejections == []
            assert_never_pings(fake)

    asyncio.run(main())
