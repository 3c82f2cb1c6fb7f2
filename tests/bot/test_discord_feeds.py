"""/feed post end to end: a source's new articles posted into a text channel (filtered) and a forum channel
(one post per story; tests/bot/test_discord_forum_stories.py), at most N per refresh with the rest in one line, a thread per post where questions
are answered about its article first; a bad regex refused with a clear line; subscriptions that survive a
restart without posting anything twice; forget-server removing them."""
from __future__ import annotations

import asyncio

import pytest

from bot.discord.guilds import forget_server
from bot.discord.limits import Limits
from index.app import build_service
from tests.support.discord_bot import running_bot, state_at
from tests.support.discord_helpers import assert_never_pings, text_of, until
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_discord_posting import FORUM
from tests.support.scoped_sources import ADMIN, BAKERY, CHESS, ROWING, page, scoped_settings

CAP = Limits(per_user=1000, progress_interval=0.0, posts_per_refresh=2)


@pytest.fixture
def fresh_service(tmp_path, service):
    """A fresh home whose shared source `news` is a folder the test writes articles into."""
    svc = build_service(scoped_settings(tmp_path / "home"), embedder=service.embedder)
    svc.index()
    return svc


def publish(svc, *articles: tuple[str, str]) -> list:
    """Write articles into the `news` folder and refresh it, as the refresh schedule does."""
    folder = svc.settings.home / "articles"
    for i, (title, text) in enumerate(articles):
        (folder / f"2025-03-21-{title.split()[0].lower()}-{i}.txt").write_text(page(title, text), encoding="utf-8")
    return svc.index(source="news").new_articles



async def reply(fake: FakeDiscord, inter) -> str:
    await fake.wait_for(lambda: inter.acks)
    return inter.acks[0][2].get("content", "")


async def feed_post(fake: FakeDiscord, channel: str, **options) -> str:
    inter = await fake.slash("feed", {"source": "news", **options}, sub="post", permissions=ADMIN,
                             channels={"channel": channel})
    return await reply(fake, inter)


def test_feed_posts_filtered_capped_with_threads_and_forum_posts(fresh_service, feedback, tmp_path):
    path = tmp_path / "guilds.sqlite3"

    async def first_run() -> list:
        async with running_bot(fresh_service, feedback, state=state_at(path), limits=CAP) as (fake, bot):
            forum = await fake.add_channel("stories", kind=FORUM)
            told = await feed_post(fake, fake.channel_id, include="chess, rowing, bakery", exclude="bakery")
            assert "will be posted in" in told and "thread" in told
            assert "will be posted in" in await feed_post(fake, forum)
            new = await asyncio.to_thread(publish, fresh_service, CHESS, ROWING, BAKERY)
            posts = await until(lambda: len(fake.bot_messages(fake.channel_id)) == 2 and fake.bot_messages(fake.channel_id))
            assert sorted(p["embeds"][0]["title"] for p in posts) == sorted([CHESS[0], ROWING[0]])  # no bakery
            forum_threads = await until(lambda: len([t for t in fake.threads.values() if t["parent_id"] == forum]) == 3
                                        and [t for t in fake.threads.values() if t["parent_id"] == forum])
            firsts = [fake.messages[t["id"]] for t in forum_threads]
            assert sum(bool(m["embeds"]) for m in firsts) == 2, "two articles (the cap), then one line"
            assert any("1 more new article" in m["content"] for m in firsts)
            chess_post = next(p for p in posts if p["embeds"][0]["title"] == CHESS[0])
            thread = await until(lambda: next((t["id"] for t in fake.threads.values()
                                               if t["parent_id"] == fake.channel_id and t["name"] == CHESS[0]), None))
            await fake.say("which day do they meet now?", channel_id=thread)
            answer = await until(lambda: fake.bot_messages(thread))
            assert "Thursday" in text_of(answer[0]) and "Ingrid Vasquez" in chess_post["embeds"][0]["description"]
            assert fake.rejections == []
            assert_never_pings(fake)
            return new

    async def second_run(new: list) -> None:
        async with running_bot(fresh_service, feedback, state=state_at(path), limits=CAP) as (fake, bot):
            listing = await reply(fake, await fake.slash("feed", sub="list", permissions=ADMIN))
            assert listing.count("**news**") == 2 and "only `chess, rowing, bakery`" in listing
            await bot.deps.relay.handle(new)  # the same articles announced again after a restart
            assert fake.bot_messages(fake.channel_id) == [], "nothing is posted twice"
            await asyncio.to_thread(publish, fresh_service, ("Chess club wins the county league",
                                                             "The Riverside chess club won the county league."))
            await until(lambda: fake.bot_messages(fake.channel_id))

    new = asyncio.run(first_run())
    asyncio.run(second_run(new))
    guild = int(FakeDiscord().guild_id)
    state = state_at(path)
    assert state.subscriptions.feeds(guild) and state.ledger.count(guild)
    forget_server(fresh_service, state, guild)
    again = state_at(path)
    assert again.subscriptions.feeds(guild) == [] and again.ledger.count(guild) == 0


def test_feed_setup_refuses_a_bad_regex_a_plain_member_and_an_unknown_source(fresh_service, feedback, tmp_path):
    async def main() -> None:
        async with running_bot(fresh_service, feedback) as (fake, bot):
            bad = await feed_post(fake, fake.channel_id, include="/(unclosed/")
            assert "not a valid regular expression" in bad
            lookbehind = await feed_post(fake, fake.channel_id, exclude=r"/(?<!\w)G7/")
            assert "lookbehind (?<=…, ?<!…) is not supported" in lookbehind
            member = await fake.slash("feed", {"source": "news"}, sub="post", channels={"channel": fake.channel_id})
            assert "Only server admins" in await reply(fake, member)
            unknown = await fake.slash("feed", {"source": "nope"}, sub="post", permissions=ADMIN,
                                       channels={"channel": fake.channel_id})
            assert "no source named 'nope'" in await reply(fake, unknown)
            assert bot.deps.state.subscriptions.feeds(int(fake.guild_id)) == []
    asyncio.run(main())


def test_feed_setup_refuses_a_channel_it_cannot_post_in_and_lists_feeds_numbered_from_one(fresh_service, feedback):
    from tests.support.fake_discord_posting import SEND_MESSAGES

    async def main() -> None:
        async with running_bot(fresh_service, feedback) as (fake, bot):
            await fake.deny_bot(fake.side_channel_id, SEND_MESSAGES)
            channel = bot.get_channel(int(fake.side_channel_id))
            await until(lambda: not channel.permissions_for(channel.guild.me).send_messages)
            refused = await feed_post(fake, fake.side_channel_id)
            assert "I can't post in" in refused and "**Send Messages**" in refused and "Nothing was set up" in refused
            assert bot.deps.state.subscriptions.feeds(int(fake.guild_id)) == []
            forum = await fake.add_channel("stories", kind=FORUM)
            for where in (fake.channel_id, forum):
                assert "will be posted in" in await feed_post(fake, where)
            assert "a later article of it is a reply there" in await feed_post(fake, forum)  # a story per post
            removed = await fake.slash("feed", {"feed": "1"}, sub="remove", permissions=ADMIN)
            assert (await reply(fake, removed)).startswith("Stopped")
            listing = await reply(fake, await fake.slash("feed", sub="list", permissions=ADMIN))
            assert listing.startswith("`1.`") and "`2.`" not in listing, listing  # numbers run 1..n, no gaps
            assert f"<#{forum}>" in listing
    asyncio.run(main())


def test_a_feed_channel_gets_a_batch_oldest_first():
    from bot.discord.push.news_relay import passing
    from bot.state.subscriptions import FeedPost
    from index.types import NewArticle, Scope

    feed = FeedPost(1, 1, 10, Scope.shared(), "wire", "", "", 5)
    batch = [NewArticle(f"a{day}", "wire", Scope.shared(), f"Day {day}", published=f"2025-03-{day:02d}")
             for day in (21, 19, 20)]
    assert [a.article_id for a in passing(feed, batch)] == ["a19", "a20", "a21"]
