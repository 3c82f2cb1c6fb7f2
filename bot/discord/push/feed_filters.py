"""The include/exclude filters of `/feed post`: keywords or a regular expression, checked on an article's
title and the beginning of its text. Pure: no Discord.

- `rates, ECB, "interest rates"`: keywords and phrases, comma-separated; one of them must appear as whole
  words, in any case.
- `/\bG(7|20)\b/`: a regular expression between slashes (case-insensitive).

A regular expression is at most 200 characters and runs on RE2 (`google-re2`), whose matching time grows
linearly with the text, whatever the pattern: `(a+)+` is accepted and never slow, and whether a filter is
accepted never depends on the machine's load. What RE2 does not support (backreferences such as `\1`,
lookahead and lookbehind such as `(?=…)` or `(?<!…)`) is refused with a clear message when the filter is set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import re2

from index.errors import BadInput

MAX_FILTER = 200
MAX_TEXT = 2000
_NOT_WORD = r"[^\p{L}\p{N}_]"  # RE2's \w is ASCII only: keywords are whole words in any script
_UNSUPPORTED = {r"invalid escape sequence: \\[0-9]": "backreferences (\\1) are not supported",
                r"invalid perl operator: \(\?[=!]": "lookahead (?=…, ?!…) is not supported",
                r"invalid perl operator: \(\?<": "lookbehind (?<=…, ?<!…) is not supported"}


@dataclass(frozen=True)
class Filter:
    """A parsed filter: keywords (whole words, any case) or one compiled regular expression."""

    text: str
    pattern: object

    def matches(self, text: str) -> bool:
        """Whether the filter finds its keywords or pattern in the first MAX_TEXT characters of `text`."""
        return self.pattern.search(text[:MAX_TEXT]) is not None  # type: ignore[attr-defined]


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
    alternatives = "|".join(r"\s+".join(re2.escape(part) for part in w.split()) for w in words)
    return Filter(text, _compile(rf"(?:^|{_NOT_WORD})(?:{alternatives})(?:{_NOT_WORD}|$)"))


def _compile(source: str):
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a refused pattern is the user's mistake, answered in one line, not logged
    return re2.compile(source, options)


def _compiled_regex(source: str, what: str):
    try:
        return _compile(source)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        known = next((text for prefix, text in _UNSUPPORTED.items() if re.match(prefix, reason)), None)
        detail = f"{known} (filters use RE2 syntax)" if known else reason
        raise BadInput(f"The {what} filter is not a valid regular expression: {detail}.") from None


def admits(include: Filter | None, exclude: Filter | None, title: str, lead: str) -> bool:
    """Whether an article passes the filters: included (or no include filter) and not excluded."""
    text = f"{title}\n{lead}"
    if include is not None and not include.matches(text):
        return False
    return exclude is None or not exclude.matches(text)
