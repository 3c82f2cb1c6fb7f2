"""What newsbot says in each of its languages: `prompts/phrases/<code>.toml`, loaded and checked like the
prompts (every file has the keys of `REQUIRED`, each with exactly its variables, names every language and
lists the twelve `months`, with which `Phrases.day` writes a date: "12. März", "12 de marzo", "3月12日").

`REQUIRED` holds what the core itself says. The same files hold what the adapters say (a digest's headings,
a refusal to answer in a channel); each adapter declares and checks those keys itself (bot/phrases.py), so
the core loads them as plain strings and knows nothing of them.

`localized` puts an answer into the asker's language: a refusal says so in that language, and a quoted
(extractive) answer says which language it quotes when that is not the asker's: "(citado en inglés)".
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Mapping

from index.answering.extractive import NOT_FOUND
from index.language import language_of
from index.answering.prompts import template_variables
from index.errors import NewsbotError
from index.settings import PROMPTS_DIR
from index.text import DEFAULT_LANGUAGE, LANGUAGES, written_day
from index.types import Answer

REQUIRED: dict[str, set[str]] = {
    "model_name": set(), "not_found": set(), "quoted_in": {"language"}, "llm_fallback": set(),
    "age_note": {"when"}, "day_month": {"day", "month"}, "day_month_year": {"day", "month", "year"},
    "first_day": set(),
    # what stops any asker's question (index/text.py: NewsbotError.phrase)
    "not_utf8": set(), "too_long": {"length", "limit"}, "no_words": set(),
}
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Phrases:
    """The phrases of one language, its names for every language and of the months (January first)."""

    language: str
    texts: Mapping[str, str]
    names: Mapping[str, str]
    months: tuple[str, ...] = ()

    def say(self, key: str, **values: object) -> str:
        """The phrase `key`, its variables filled."""
        return self.texts[key].format(**values)

    @property
    def words(self) -> dict[str, str]:
        """Every phrase, and the month names as `month_1`…`month_12` (what `NewsPort.phrases` gives)."""
        return {**self.texts, **{f"month_{n}": name for n, name in enumerate(self.months, start=1)}}

    def day(self, day: date, with_year: bool = False) -> str:
        """`day` written plainly in this language ("12 March", "1er mars 2024", "3月12日"), its year only
        when `with_year`; the first of a month as the language writes it (`first_day`: "1er", "1º")."""
        return written_day(self.words, day, with_year)


def _load_one(path: Path, language: str) -> Phrases:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise NewsbotError(f"phrases file {path} cannot be read: {exc}") from None
    names, months = data.pop("languages", {}), data.pop("months", None)
    if set(names) != set(LANGUAGES) or not set(REQUIRED) <= set(data):
        raise NewsbotError(f"phrases file {path} must have the keys {sorted(REQUIRED)} and name the languages "
                           f"{list(LANGUAGES)} in [languages]")
    if not all(isinstance(value, str) for value in data.values()):
        raise NewsbotError(f"phrases file {path}: every phrase is a string (key = \"text\")")
    if not (isinstance(months, list) and len(months) == 12 and all(isinstance(m, str) and m for m in months)):
        raise NewsbotError(f"phrases file {path} must list the twelve months: months = [\"January\", …]")
    for key, required in REQUIRED.items():
        if template_variables(str(data[key])) != required:
            raise NewsbotError(f"phrase {key!r} of {path} must use exactly the variables {sorted(required)}")
    return Phrases(language, {k: str(v) for k, v in data.items()}, {k: str(v) for k, v in names.items()},
                   tuple(months))


def load_phrases(folder: Path) -> dict[str, Phrases]:
    """The phrases of every language of `LANGUAGES` from `folder` (`<code>.toml`), failing fast."""
    return {code: _load_one(folder / f"{code}.toml", code) for code in LANGUAGES}


@lru_cache(maxsize=1)
def default_phrases() -> dict[str, Phrases]:
    """The phrases shipped in `prompts/phrases/`, read once."""
    return load_phrases(PROMPTS_DIR / "phrases")


def phrases_for(phrases: Mapping[str, Phrases], language: str | None) -> Phrases:
    """The phrases of `language`, the default language's when it has none."""
    return phrases.get(language or DEFAULT_LANGUAGE) or phrases[DEFAULT_LANGUAGE]


def localized(answer: Answer, phrases: Phrases, quoted: bool) -> Answer:
    """`answer` in the language of `phrases`: its refusal in that language; when it `quoted` passages, the
    language of each quote that is not the asker's named after its marker (once at the end when one
    language was quoted throughout)."""
    answer = replace(answer, language=phrases.language)
    if answer.refused:
        text = phrases.say("not_found") if answer.text == NOT_FOUND else answer.text
        return replace(answer, text=text)
    if not quoted or not answer.citations:
        return answer
    quoted_in = {c.n: language_of(c.quote) or phrases.language for c in answer.citations}
    foreign = {n: lang for n, lang in quoted_in.items() if lang != phrases.language}
    if not foreign:
        return answer
    if len(set(quoted_in.values())) == 1:
        return replace(answer, text=f"{answer.text} {_note(phrases, next(iter(foreign.values())))}")
    text = _MARKER.sub(lambda m: m.group(0) + (f" {_note(phrases, foreign[int(m.group(1))])}"
                                               if int(m.group(1)) in foreign else ""), answer.text)
    return replace(answer, text=text)


def _note(phrases: Phrases, language: str) -> str:
    return phrases.say("quoted_in", language=phrases.names[language])
