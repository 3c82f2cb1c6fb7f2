"""bot/discord/push/news_posts.py: what a feed post says (pure)."""
from __future__ import annotations

from bot.discord.push.news_posts import article_post
from index.types import NewArticle, Scope


def test_a_feed_post_says_how_many_outlets_tell_its_story_when_more_than_one():
    article = NewArticle("a1", "wire", Scope.shared(), "Ferry crews strike", url="https://example.org/a1",
                         outlet="Example News", published="2025-03-21", lead="Ferry crews in Saltmere walked out.")
    alone = article_post(article, "wire").embeds[0]["footer"]["text"]
    covered = article_post(article, "wire", outlets=3).embeds[0]["footer"]["text"]
    assert alone == "wire · Example News · 2025-03-21"
    assert covered == "wire · Example News · 2025-03-21 · covered by 3 outlets"
