"""A digest as Discord messages (bot/discord/push/digest_render.py): escaped, cited, within Discord's limits."""
from __future__ import annotations

from datetime import date

from bot.discord.push.digest_render import digest_heading, digest_messages
from bot.discord.render import EMBED_TOTAL_LIMIT, EMBEDS_PER_MESSAGE, embed_size
from index.answering.phrases import default_phrases
from index.port import written_day
from index.types import Citation, Digest, Story, StoryArticle


def _story(i: int, summary: str, title: str = "") -> Story:
    url = f"https://example.org/{i}"
    article = StoryArticle(f"a{i}", title or f"Story {i}", url, "wire", "Example", date(2026, 3, 2))
    cite = Citation(1, title or f"Story {i}", "wire", url, "2026-03-02", "quote", outlet="Example")
    return Story(f"s{i}", title or f"Story {i}", summary, date(2026, 3, 1), date(2026, 3, 2), ("Example", "Other"),
                 (article,), (cite,))


def test_each_story_is_an_embed_with_its_cited_summary_sources_and_outlets():
    digest = Digest((_story(1, "The council voted @everyone to close the bridge [1].", "**Bridge** _closes_"),),
                    date(2026, 3, 1), None)
    [[embed]] = digest_messages(digest)
    assert embed["title"] == "1. \\*\\*Bridge\\*\\* \\_closes\\_"
    assert "[1]" in embed["description"] and "\\@everyone" in embed["description"]
    assert "**Sources**\n**[1]** [" in embed["description"] and "(https://example.org/1)" in embed["description"]
    assert embed["footer"]["text"] == "2026-03-01 – 2026-03-02 · 1 article · Covered by 2 outlets: Example, Other"
    assert embed["url"] == "https://example.org/1"
    assert digest_heading(digest, "Daily news digest") == "**Daily news digest** since 2026-03-01: 1 story"


def test_long_digests_are_packed_within_discords_limits_and_an_empty_one_says_so():
    stories = tuple(_story(i, "A long summary sentence about the event [1]. " * 80) for i in range(25))
    messages = digest_messages(Digest(stories, date(2026, 3, 1), None))
    assert sum(len(m) for m in messages) == 25
    for message in messages:
        assert len(message) <= EMBEDS_PER_MESSAGE and sum(embed_size(e) for e in message) <= EMBED_TOTAL_LIMIT
        assert all(len(e["description"]) <= 4096 and len(e["title"]) <= 256 for e in message)
    [[empty]] = digest_messages(Digest((), date(2026, 3, 1), None))
    assert empty["description"] == "No new articles since 2026-03-01: nothing to digest."


def test_a_digests_dates_are_written_in_its_language():
    digest = Digest((_story(1, "Der Rat stimmte zu [1]."),), date(2026, 3, 1), date(2026, 3, 19))
    german, chinese = (default_phrases()[code].words for code in ("de", "zh"))
    assert digest_heading(digest, words=german) == "**Nachrichtenüberblick** seit 1. März 2026 bis 19. März 2026: " \
        "1 Meldung"
    [[embed]] = digest_messages(digest, german)
    assert embed["footer"]["text"].startswith("1. März – 2. März · 1 Artikel · Berichtet von 2 Medien")
    assert "2026年3月1日" in digest_heading(digest, words=chinese)
    assert written_day(default_phrases()["fr"].words, date(2026, 3, 1)) == "1er mars"
    assert written_day({"first_day": "1"}, date(2026, 3, 1)) == "2026-03-01"  # no month names: the ISO day
