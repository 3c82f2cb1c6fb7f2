"""Expressions of time in a question, turned into a date window relative to the time of asking. Pure.

today, yesterday, this week, last week, this month, last month, in March [2025], since Monday,
since 18 March, on 18 March / on March 18th, the past N days/weeks,
latest / newest / most recent, recently / lately. Weeks start on Monday. A month or a day named without a
year is the last one not after the time of asking. "latest" and "recently" are *soft* windows (the last 7
and 30 days first, then older articles); the others are hard (only articles inside, then undated ones).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_DATES = (rf"{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", rf"{_MONTH}\s+{_DAY}{_YEAR}")
SOFT_DAYS = {"latest": 7, "recent": 30}


@dataclass(frozen=True)
class TimeWindow:
    """Published dates [start, end] (inclusive) a question asks about; `phrase` is the words matched."""

    start: date
    end: date
    phrase: str
    soft: bool = False  # True: prefer this window, but older articles may follow


def _last_month_day(month: int, day: int, year: int | None, as_of: date) -> date | None:
    """The date `day` `month` [`year`], or the last such date not after `as_of`."""
    try:
        if year is not None:
            return date(year, month, day)
        found = date(as_of.year, month, day)
        return found if found <= as_of else date(as_of.year - 1, month, day)
    except ValueError:
        return None


def _last_weekday(weekday: int, as_of: date) -> date:
    return as_of - timedelta(days=(as_of.weekday() - weekday) % 7)


def _month_window(month: int, year: int | None, as_of: date) -> tuple[date, date]:
    if year is None:
        year = as_of.year if month <= as_of.month else as_of.year - 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _is_month(match: re.Match) -> bool:
    """"may" only counts as the month when written "May" (it is also a common verb)."""
    return match["month"] != "may"


def _fixed(as_of: date) -> list[tuple[str, Callable[[re.Match], tuple[date, date]]]]:
    monday = as_of - timedelta(days=as_of.weekday())
    first = as_of.replace(day=1)
    previous_month_end = first - timedelta(days=1)
    return [
        (r"\btoday\b|\bthis morning\b|\btonight\b", lambda m: (as_of, as_of)),
        (r"\byesterday\b", lambda m: (as_of - timedelta(days=1),) * 2),
        (r"\bthis week\b", lambda m: (monday, as_of)),
        (r"\blast week\b|\bprevious week\b", lambda m: (monday - timedelta(days=7), monday - timedelta(days=1))),
        (r"\bthis month\b", lambda m: (first, as_of)),
        (r"\blast month\b|\bprevious month\b", lambda m: (previous_month_end.replace(day=1), previous_month_end)),
        (r"\b(?:in the |over the )?(?:past|last) (?P<n>\d{1,3}) (?P<unit>days?|weeks?)\b",
         lambda m: (as_of - timedelta(days=int(m["n"]) * (7 if m["unit"].startswith("week") else 1) - 1), as_of)),
    ]


def parse_time(question: str, as_of: date) -> TimeWindow | None:
    """The date window a question's time expression names, relative to `as_of`; None if it names none."""
    text = question.lower()
    for pattern, window in _fixed(as_of):
        if match := re.search(pattern, text):
            start, end = window(match)
            return TimeWindow(start, min(end, as_of), match.group(0))
    for kind, shape in ((kind, shape) for kind in ("since", "on") for shape in _DATES):
        for match in re.finditer(rf"\b{kind} {shape}\b", text):
            if not (_is_month(match) or "May" in question[match.start():match.end()]):
                continue
            day = _last_month_day(MONTHS[match["month"]], int(match["day"]), _year(match), as_of)
            if day is not None:
                return TimeWindow(day, as_of if kind == "since" else day, match.group(0))
    # only "since Monday": "on Sunday" and "this year" often name a coming event ("the election on
    # Sunday", "who hosts the awards this year"); as windows they lost 2 of 39 questions (BENCHMARKS.md)
    if match := re.search(rf"\bsince (?:last )?{_WEEKDAY}\b", text):
        return TimeWindow(_last_weekday(WEEKDAYS[match["weekday"]], as_of), as_of, match.group(0))
    for match in re.finditer(rf"\b(?:in|during|from) {_MONTH}{_YEAR}\b", text):
        if _is_month(match) or "May" in question[match.start():match.end()]:
            start, end = _month_window(MONTHS[match["month"]], _year(match), as_of)
            if start <= as_of:
                return TimeWindow(start, min(end, as_of), match.group(0))
    return _soft(text, as_of)


def _year(match: re.Match) -> int | None:
    return int(match["year"]) if match["year"] else None


def _soft(text: str, as_of: date) -> TimeWindow | None:
    match = re.search(r"\b(?:the )?(?:latest|newest|most recent)\b|\brecent(?:ly)?\b|\blately\b", text)
    if match is None:
        return None
    days = SOFT_DAYS["latest" if re.search("latest|newest|most recent", match.group(0)) else "recent"]
    return TimeWindow(as_of - timedelta(days=days - 1), as_of, match.group(0), soft=True)


def without_phrase(question: str, window: TimeWindow | None) -> str:
    """The question without its time expression (so "in March" does not search for marches)."""
    if window is None or not window.phrase:
        return question
    cut = re.sub(re.escape(window.phrase), " ", question, count=1, flags=re.IGNORECASE)
    cut = re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s{2,}", " ", cut)).strip()
    return cut or question
