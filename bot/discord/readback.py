"""Reading an answer back from the message that shows it (after a restart the bot no longer remembers it).

Pure: the embeds come in as (title, description) pairs and the words of every language as `NewsPort.phrases`
gives them, so the titles that `render.answer_messages` wrote in any language are recognised.
"""
from __future__ import annotations

from typing import Collection, Iterable, Mapping, Sequence

SECTION_KEYS = ("sources", "closest_articles")  # the titles of the embeds that list articles, not the answer


def section_titles(words: Iterable[Mapping[str, str]]) -> frozenset[str]:
    """The titles of an answer's article lists ("Sources", "Quellen", "Closest articles"…) in every language
    of `words` (one mapping of phrases per language)."""
    return frozenset(w[key] for w in words for key in SECTION_KEYS)


def read_back(embeds: Sequence[tuple[str, str]], sections: Collection[str]) -> tuple[str, str]:
    """(question, answer text) of an answer message from its embeds' (title, description): the first title is
    the question, the descriptions of the embeds that are not article lists (`sections`) are the answer."""
    parts = [(title, description) for title, description in embeds if title not in sections]
    question = next((title for title, _ in parts if title), "")
    return question, "\n".join(description for _, description in parts)


def language_of_titles(titles: Collection[str], words: Mapping[str, Mapping[str, str]]) -> str | None:
    """The language (a key of `words`) whose article-list titles a message shows, None when no one language's
    do ("Sources" is both English and French)."""
    shown = set(titles)
    found = [code for code, w in words.items() if any(w[key] in shown for key in SECTION_KEYS)]
    return found[0] if len(found) == 1 else None
