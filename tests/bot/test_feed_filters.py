"""The filters of /feed post (bot/discord/push/feed_filters.py): keywords as whole words, phrases, regular
expressions, exclusion, and the bounds on a regular expression."""
from __future__ import annotations

import pytest

from bot.discord.push.feed_filters import admits, parse_filter
from index.errors import BadInput


def test_keywords_match_whole_words_in_any_case_and_phrases_across_spaces():
    include = parse_filter('ECB, "interest rates"', "include")
    assert admits(include, None, "The ecb holds", "")
    assert admits(include, None, "Markets", "Interest\n rates rise again")
    assert not admits(include, None, "Secbond issuance", "no rate news")
    assert parse_filter("  ", "include") is None and admits(None, None, "anything", "")


def test_exclude_wins_and_a_regex_is_case_insensitive():
    include, exclude = parse_filter(r"/\bG(7|20)\b/", "include"), parse_filter("opinion", "exclude")
    assert admits(include, exclude, "g20 leaders meet", "")
    assert not admits(include, exclude, "G7 summit", "Opinion: why it failed")
    assert not admits(include, exclude, "G8 summit", "")


def test_bad_filters_are_refused_with_a_clear_reason():
    with pytest.raises(BadInput, match="not a valid regular expression"):
        parse_filter("/(unclosed/", "include")
    with pytest.raises(BadInput, match="too slow"):
        parse_filter(r"/(a|aa)+$/", "exclude")
    with pytest.raises(BadInput, match="at most 200"):
        parse_filter("x" * 201, "include")
    with pytest.raises(BadInput, match="no keyword"):
        parse_filter(" , ,", "include")


def test_a_regex_that_runs_out_of_time_on_an_article_posts_nothing():
    slow = parse_filter(r"/(x+x+)+y/", "include")  # quick on the probe text, slow on a long run of x
    assert slow.matches("x" * 2000) is None
    assert not admits(slow, None, "x" * 2000, "")
    assert not admits(None, parse_filter(r"/(x+x+)+y/", "exclude"), "x" * 2000, "")
