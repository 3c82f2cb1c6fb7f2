"""The include/exclude filters of `/feed post`: keywords or a regular expression, checked on an article's
title and the beginning of its text. Pure: no Discord.

- `rates, ECB, "interest rates"`: keywords and phrases, comma-separated; one of them must appear as whole
  words, in any case.
- `/\bG(7|20)\b/`: a regular expression between slashes (case-insensitive).

A regular expression is bounded: at most 200 characters, compiled once, and run with a time limit per
article (the `regex` module's `timeout`, 50 ms) on at most 2,000 characters; one that needs longer on a
plain test text is refused when it is set, and one that times out on an article counts as no match (an
include filter lets the article out, an exclude filter keeps it out).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

from index.errors import BadInput

log = logging.getLogger("newsbot.discord.push.feeds")
MAX_FILTER = 200
MAX_TEXT = 2000
TIMEOUT = 0.05
_PROBE = ("a" * 30 + "1" * 30 + " ") * 30 + "!"  # a text that makes nested repeats backtrack


@dataclass(frozen=True)
class Filter:
    """A parsed filter: keywords (whole words, any case) or one compiled regular expression."""

    text: str
    pattern: object

    def matches(self, text: str) -> bool | None:
        """True or False; None when a regular expression ran out of time."""
        try:
            return self.pattern.search(text[:MAX_TEXT], timeout=TIMEOUT) is not None  # type: ignore[attr-defined]
        except TimeoutError:
            log.warning("the filter %r took longer than %.0f ms; treated as no match", self.text, TIMEOUT * 1000)
            return None


def parse_filter(text: str | None, what: str) -> Filter | None:
    """The filter written in `text` (None when empty); BadInput with a clear message when it is not valid."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_FILTER:
        raise BadInput(f"The {what} filter is {len(text)} characters long; at most {MAX_FILTER}.")
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        return Filter(text, _compiled_regex(text[1:-1], what))
    words = [w.strip().strip('"').strip() for w in text.split(",")]
    words = [w for w in words if w]
    if not words:
        raise BadInput(f"The {what} filter has no keyword; write keywords separated by commas, or /a regex/.")
    alternatives = "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in words)
    return Filter(text, regex.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", regex.IGNORECASE))


def _compiled_regex(source: str, what: str):
    try:
        pattern = regex.compile(source, regex.IGNORECASE)
    except (regex.error, ValueError) as exc:
        raise BadInput(f"The {what} filter is not a valid regular expression: {exc}.") from None
    try:
        pattern.search(_PROBE, timeout=TIMEOUT)
    except TimeoutError:
        raise BadInput(f"The {what} filter's regular expression is too slow (it backtracks on a plain text); "
                       "simplify it, e.g. avoid nested repeats like (a+)+.") from None
    return pattern


def admits(include: Filter | None, exclude: Filter | None, title: str, lead: str) -> bool:
    """Whether an article passes the filters: included (or no include filter) and not excluded."""
    text = f"{title}\n{lead}"
    if include is not None and not include.matches(text):
        return False
    return exclude is None or exclude.matches(text) is False
