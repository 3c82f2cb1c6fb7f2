"""From the index to the channels: the articles each refresh adds are posted to the feed channels that
follow their source (filtered, at most N per refresh, oldest first) and announced to the follows they match.
A forum channel gets one post per story (index/news/): a later article of a story is a reply in that story's
post.

The core calls `publish` in the indexing thread (the refresh schedule's, or a /reindex worker's) once a run
has added articles (`NewsPort.watch_new_articles`): the batch goes to the outbox (bot/state/outbox.py), which
every process reads every few seconds, handling the servers of its own shards (bot/discord/push/shards.py),
one batch at a time, through the poster (bot/discord/push/poster.py: paced, permission-checked, once). So
with several processes, the one that refreshed a feed is not the only one whose servers see its articles.
A server's feed channels and follows see only the scopes a question asked in that server may see.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import replace
from typing import Sequence

from bot.discord.push.feed_filters import admits, parse_filter
from bot.discord.push.news_posts import article_post, follow_notice, more_line
from bot.discord.push.poster import ChannelPoster, Target
from bot.discord.push.shards import Shards
from bot.state.ledger import PENDING_HOURS
from bot.state.outbox import NewsOutbox
from bot.state.subscriptions import FeedPost, Follow, Subscriptions
from index.errors import StoreUnavailable
from index.port import NewsPort
from index.types import NewArticle, Scope, Story

log = logging.getLogger("newsbot.discord.push.feeds")


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
    kept = [a for a in articles if a.scope == feed.scope and a.source == feed.source
            and admits(include, exclude, a.title, a.lead)]
    return sorted(kept, key=lambda a: a.published or "")  # oldest first: the channel reads in order


POLL_SECONDS = 3.0  # how often a process reads the outbox


class NewsRelay:
    """Takes batches of new articles from the outbox to the feed channels and follows of this process's servers."""

    def __init__(self, service: NewsPort, subscriptions: Subscriptions, outbox: NewsOutbox, poster: ChannelPoster,
                 cap: int, shards: Shards = Shards(), poll_seconds: float = POLL_SECONDS) -> None:
        self.service = service
        self.subscriptions = subscriptions
        self.outbox = outbox
        self.poster = poster
        self.cap = cap
        self.shards = shards
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        """Publish the core's new articles to the outbox, and relay the outbox's on the running loop until
        `stop` (the entries of the last hours again first: what was posted already is not posted twice)."""
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="newsbot-relay")
        self.service.watch_new_articles(self.publish)

    def stop(self) -> None:
        """Stop relaying (the core's later batches still reach the outbox, for the other processes)."""
        if self._task is not None:
            self._task.cancel()

    def publish(self, articles: list[NewArticle]) -> None:
        """Put a run's new articles in the outbox (from the indexing thread), and wake this process's relay."""
        try:
            self.outbox.publish(articles)
        except Exception:
            log.exception("could not put %d new article(s) in the outbox", len(articles))
            return
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        last, failed = None, 0
        while True:
            try:
                if last is None:
                    last = await asyncio.to_thread(self.outbox.start_after, PENDING_HOURS)
                read, batches = await asyncio.to_thread(self.outbox.after, last)
                if failed >= 3:  # the same entries broke three rounds in a row: passed, not retried forever
                    log.error("passing %d batch(es) of new articles that failed three times", len(batches))
                    batches = []
                for batch in batches:
                    await self.handle(batch)
                last, failed = read, 0
            except asyncio.CancelledError:
                raise
            except StoreUnavailable as exc:  # the database is down: the same entries are read again when it is
                log.warning("new articles wait for the database: %s", exc)  # back (the ledger keeps what was posted)
            except Exception:
                failed += 1
                log.exception("could not relay new articles (%d time(s) in a row)", failed)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except asyncio.TimeoutError:
                pass

    async def handle(self, articles: Sequence[NewArticle]) -> None:
        """Post a batch to the feed channels, then the notices of the follows it matches."""
        await self.post_feeds(articles)
        await self.notify_follows(articles)

    async def post_feeds(self, articles: Sequence[NewArticle]) -> int:
        """Post each feed channel's new articles (at most `cap`, the rest in one line); returns posts made."""
        posted, stories = 0, {}  # the stories read for (server, articles): shared by that server's feed channels
        for scope, source in dict.fromkeys((a.scope, a.source) for a in articles):
            for feed in await asyncio.to_thread(self.subscriptions.feeds_of, scope, source):
                if scope not in Scope.visible_from(feed.guild_id):  # another server's source never reaches this one
                    continue
                if not self.shards.holds(feed.guild_id):  # another process serves that server
                    continue
                posted += await self._post_feed(feed, passing(feed, articles), stories)
        return posted

    async def _post_feed(self, feed: FeedPost, articles: list[NewArticle],
                         read: dict[tuple, dict[str, Story]]) -> int:
        target, label = Target(feed.guild_id, feed.channel_id), source_label(feed.scope, feed.source)
        posted, forum = 0, self.poster.is_forum(target)
        shown = articles[: self.cap]
        key = (feed.guild_id, tuple(a.article_id for a in shown))
        if key not in read:  # "covered by N outlets"; a forum's post per story
            read[key] = await self._stories(shown, feed.guild_id)
        stories = read[key]
        for article in shown:
            story = stories.get(article.article_id)
            post = article_post(article, label, outlets=len(story.outlets) if story else 1)
            if forum:  # one forum post per story: a later article of it is a reply in that post
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
            if self.shards.holds(follow.guild_id):  # a DM is sent by the process serving its server: once
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
