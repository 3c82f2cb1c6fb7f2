"""Saying how old an answer's articles are, relative to the time of asking. Pure."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from index.types import Answer

OLD_AFTER_DAYS = 7  # an answer whose newest cited article is older than this gets a note with its date


def newest_cited(answer: Answer) -> date | None:
    """The newest publication date among the answer's citations (None when none is dated)."""
    days = []
    for citation in answer.citations:
        try:
            days.append(date.fromisoformat(citation.published[:10]))
        except ValueError:
            continue
    return max(days, default=None)


def age_note(answer: Answer, as_of: date) -> str:
    """"The newest article on this is from 12 March." when every cited article is old; else ""."""
    newest = newest_cited(answer)
    if answer.refused or newest is None or (as_of - newest).days <= OLD_AFTER_DAYS:
        return ""
    when = f"{newest.day} {newest:%B}" + (f" {newest.year}" if newest.year != as_of.year else "")
    return f"The newest article on this is from {when}."


def dated(answer: Answer, as_of: date | None) -> Answer:
    """The answer with its `age_note` set (when its articles are old)."""
    note = age_note(answer, as_of or date.today())
    return replace(answer, age_note=note) if note else answer
