"""Cleaning what users type before it reaches retrieval: pure functions."""
from __future__ import annotations

import re
import unicodedata

from index.errors import BadInput

MAX_QUESTION_CHARS = 2000
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")


def clean_question(raw: str, what: str = "question") -> str:
    """Normalise a question: NFKC, no zero-width characters, no mentions, collapsed spaces.

    Raises BadInput with a message fit for the user when nothing usable is left or it is too long.
    """
    if _SURROGATE.search(raw or ""):  # bytes that were not UTF-8 (a terminal in another encoding)
        raise BadInput(f"That {what} is not valid UTF-8 text; please type it again in a UTF-8 terminal.")
    text = unicodedata.normalize("NFKC", raw or "")
    text = _INVISIBLE.sub("", text)
    text = _MENTION.sub(" ", text)
    text = re.sub(r"```.*?```", lambda m: m.group(0).strip("`"), text, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > MAX_QUESTION_CHARS:
        raise BadInput(f"That {what} is too long ({len(text):,} characters); please keep it under {MAX_QUESTION_CHARS:,}.")
    if not any(ch.isalnum() for ch in text):
        raise BadInput(f"Please type a {what} with some words in it.")
    return text
