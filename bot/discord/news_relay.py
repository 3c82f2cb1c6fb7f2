"""From the index to the channels: the articles each refresh adds are posted to the feed channels that
follow their source (filtered, at most N per refresh) and announced to the follows they match. A forum
channel gets one post per story (index/news/): a later article of a story is a reply in that story's post.

The core calls `offer` in the indexing thread (the refresh schedule's, or a /reindex worker's) once a run
has added articles (`NewsPort.watch_new_articles`); the batch crosses to the event loop and is handled
there, one batch at a time, through the poster (bot/discord/poster.py: paced, permission-checked, once).
A server's feed channels and follows see only the scopes a question asked in that server may see.

Articles added by another process (a `newsbot index` run beside the bot) are not seen here; the refresh
schedule inside `newsbot run` is what feeds the channels.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import replace
from typing import Sequence

from bot.discord.feed_filters import admits, parse_filter
from bot.discord.news_posts import article_post, follow_notice, more_line
from bot.discord.poster import ChannelPoster, Target
from index.port import FeedPost, Follow, NewsPort, SubscriptionsPort
from index.types import NewArticle, Scope, Story

log = logging.getLogger("newsbot.discord.feeds")


def source_label(scope: Scope, source: str) -> str:
    """How a feed's source is named in its posts."""
    return source if scope.is_shared else f"{source} (this server)"


def passing(feed: FeedPost, articles: Sequence[NewArticle]) -> list[NewArticle]:
    """The articles of `feed`'s source that its filters let through (a filter that no longer parses lets
    nothing through and is logged)."""
    try:
        include, exclude = parse_filter(feed.include, "include"), parse_filter(feed.exclude, "exclude")
    except Exception:
        log.warning("feed %s has a filter that does not parse; nothing posted", feed.id)
        return []
    return [a for a in articles if a.scope == feed.scope and a.source == feed.source
            and admits(include, exclude, a.title, a.lead)]


class NewsRelay:
    """Takes batches of new articles to the feed channels and follows of every server."""

    def __init__(self, service: NewsPort, subscriptions: SubscriptionsPort, poster: ChannelPoster, cap: int) -> None:
        self.service = service
        self.subscriptions = subscriptions
        self.poster = poster
        self.cap = cap
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[list[NewArticle]] | None = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Listen to the core and handle batches on the running loop, until `stop`."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="newsbot-relay")
        self.service.watch_new_articles(self.offer)

    def stop(self) -> None:
        """Stop handling batches (the core's later calls are ignored)."""
        if self._task is not None:
            self._task.cancel()
        self._loop = None

    def offer(self, articles: list[NewArticle]) -> None:
        """Hand a batch over from any thread (ignored once the relay has stopped)."""
        loop, queue = self._loop, self._queue
        if loop is None or queue is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(queue.put_nowait, list(articles))

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = await self._queue.get()
            try:
                await self.handle(batch)
            except Exception:
                log.exception("could not post %d new article(s)", len(batch))

    async def handle(self, articles: Sequence[NewArticle]) -> None:
        """Post a batch to the feed channels, then the notices of the follows it matches."""
        await self.post_feeds(articles)
        await self.notify_follows(articles)

    async def post_feeds(self, articles: Sequence[NewArticle]) -> int:
        """Post each feed channel's new articles (at most `cap`, the rest in one line); returns posts made."""
        posted = 0
        for scope, source in dict.fromkeys((a.scope, a.source) for a in articles):
            for feed in await asyncio.to_thread(self.subscriptions.feeds_of, scope, source):
                if scope not in Scope.visible_from(feed.guild_id):  # another server's source never reaches this one
                    continue
                posted += await self._post_feed(feed, passing(feed, articles))
        return posted

    async def _post_feed(self, feed: FeedPost, articles: list[NewArticle]) -> int:
        target, label = Target(feed.guild_id, feed.channel_id), source_label(feed.scope, feed.source)
        posted, forum = 0, self.poster.is_forum(target)
        shown = articles[: self.cap]
        stories = await self._stories(shown, feed.guild_id) if forum else {}
        for article in shown:
            post = article_post(article, label)
            if forum:  # one forum post per story: a later article of it is a reply in that post
                story = stories.get(article.article_id)
                mates = tuple(a.article_id for a in story.articles if a.article_id != article.article_id) if story else ()
                post = replace(post, story_articles=mates)
            sent = await self.poster.post(target, f"article:{article.article_id}", post, owner_id=feed.owner_id)
            posted += sent is not None
        if len(articles) > self.cap:
            rest = articles[self.cap:]
            await self.poster.post(target, f"more:{rest[0].article_id}", more_line(len(rest), label, self.cap),
                                   owner_id=feed.owner_id)
        return posted

    async def _stories(self, articles: Sequence[NewArticle], guild_id: int) -> dict[str, Story]:
        """The story (index/news/) of each article, as the server's scopes see them: one grouping for all."""
        try:
            return await asyncio.to_thread(self.service.stories_of, [a.article_id for a in articles],
                                           Scope.visible_from(guild_id))
        except Exception:  # without their stories, the articles get posts of their own
            log.exception("could not find the stories of %d new articles", len(articles))
            return {}

    async def notify_follows(self, articles: Sequence[NewArticle]) -> int:
        """Tell each follow of the new articles that match its topic (its server's scopes only)."""
        by_server: dict[int, list[Follow]] = defaultdict(list)
        for follow in await asyncio.to_thread(self.subscriptions.follows):
            by_server[follow.guild_id].append(follow)
        sent = 0
        for guild_id, follows in by_server.items():
            scopes = Scope.visible_from(guild_id)
            ids = [a.article_id for a in articles if a.scope in scopes]
            if ids:
                sent += await self._notify_server(follows, ids, scopes)
        return sent

    async def _notify_server(self, follows: list[Follow], ids: list[str], scopes: tuple[Scope, ...]) -> int:
        sent = 0
        matched: dict[str, list] = {}
        for follow in follows:
            if follow.topic not in matched:
                try:
                    matched[follow.topic] = await asyncio.to_thread(self.service.matches, follow.topic, ids, scopes)
                except Exception:  # one follow's failure (a topic the core refuses) does not stop the others
                    log.exception("could not match follow %s (%r)", follow.id, follow.topic)
                    matched[follow.topic] = []
            target = Target(follow.guild_id, follow.channel_id, follow.user_id)
            for citation in matched[follow.topic][: self.cap]:
                notice = follow_notice(follow.topic, citation)
                key = f"follow:{follow.id}:{citation.article_id}"
                sent += await self.poster.post(target, key, notice, owner_id=follow.owner_id) is not None
        return sent
