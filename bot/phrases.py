"""What the adapters say in each language: their keys of `prompts/phrases/<code>.toml`, each with exactly its
variables. The core loads those files and checks its own keys (index/answering/phrases.py); the adapters'
keys are declared here and checked by `check_phrases` when a bot or a CLI command starts, so a phrase file
that lacks one, or gives it another variable, fails at start in one line and never in front of a member."""
from __future__ import annotations

import string
from typing import Mapping

from index.errors import NewsbotError

ADAPTER_PHRASES: dict[str, set[str]] = {
    # digests, lists of stories and articles (the CLI's and Discord's)
    "digest": set(), "daily_digest": set(), "weekly_digest": set(), "since": {"day"}, "until": {"day"},
    "stories": {"count"}, "one_story": set(), "nothing_new": {"since"}, "covered_by": {"count"},
    "covered_by_one": set(), "articles": {"count"}, "one_article": set(), "undated": set(), "sources": set(),
    "note_line": {"note"},
    # an answer's embeds and buttons, votes, the server's language
    "show_quotes": set(), "closest_articles": set(), "not_found_title": set(), "summary_of": {"target"},
    "quotes_gone": set(), "no_quotes": set(), "already_rated": set(), "thanks": set(),
    "server_language": {"language"}, "writing": set(),
    # what stops a member's question in Discord (a NewsbotError's phrase)
    "went_wrong": set(), "index_unavailable": set(), "restarting": set(),
    "slow_down": {"count", "seconds", "wait"}, "busy": set(), "since_unreadable": {"value"},
    "since_too_far": {"value"}, "since_future": {"value"}, "ask_only_in": {"places"}, "ask_elsewhere": set(),
    "admins_only": set(), "no_dms": set(), "not_enabled": set(),
}


def variables(text: str) -> set[str]:
    """The `{name}` fields a phrase uses."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def check_phrases(words: Mapping[str, Mapping[str, str]]) -> None:
    """Every language's phrases (`NewsPort.phrases`, by language code) have every key of ADAPTER_PHRASES with
    exactly its variables; NewsbotError naming the first language and key that do not."""
    for code, phrases in words.items():
        for key, wanted in ADAPTER_PHRASES.items():
            if key not in phrases:
                raise NewsbotError(f"prompts/phrases/{code}.toml has no phrase {key!r}")
            if variables(phrases[key]) != wanted:
                raise NewsbotError(f"phrase {key!r} of prompts/phrases/{code}.toml must use exactly the variables "
                                   f"{sorted(wanted)}")
