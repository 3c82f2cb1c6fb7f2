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
    with pytest.raises(BadInput, match="at most 200"):
        parse_filter("x" * 201, "include")
    with pytest.raises(BadInput, match="no keyword"):
        parse_filter(" , ,", "include")


@pytest.mark.parametrize("pattern, reason", [
    (r"/(\w)\1/", r"backreferences \(\\1\) are not supported"), (r"/(\w+) \2/", "backreferences"),
    ("/G7(?= summit)/", "lookahead"), ("/(?!opinion)news/", "lookahead"),
    ("/(?<=the )G7/", "lookbehind"), (r"/(?<!\w)G7/", "lookbehind"),
])
def test_what_re2_cannot_run_is_refused_by_name(pattern, reason):
    with pytest.raises(BadInput, match=f"not a valid regular expression: {reason}.*RE2") as refused:
        parse_filter(pattern, "include")
    assert "\n" not in str(refused.value)


def test_nested_repeats_are_accepted_and_answer_at_once_on_a_long_text():
    text = "a" * 1999 + "!"
    for source in ("/(a+)+$/", "/(a|aa)+$/", "/(x+x+)+y/"):  # each backtracks exponentially elsewhere
        nested = parse_filter(source, "include")
        assert nested.matches(text) is False and not admits(nested, None, text, "")
    assert parse_filter("/(a+)+!/", "include").matches(text) is True
    assert admits(None, parse_filter("/(x+x+)+y/", "exclude"), "x" * 2000, "")


def test_keywords_are_whole_words_in_any_script_and_with_punctuation():
    include = parse_filter("Zürich, C++, U.S.", "include")
    assert admits(include, None, "In ZÜRICH today", "") and admits(include, None, "learn c++ now", "")
    assert admits(include, None, "what the U.S. said", "")
    assert not admits(include, None, "Zürichsee", "") and not admits(include, None, "US", "")
