"""The terms of a text read in its own language (issue 30): the vocabulary of BM25, and of the offline answer's
comparison of a question with a passage.

`index.text.terms` reads English: English stop words out, the English Snowball stemmer, Chinese as character
bigrams. A German text read that way keeps "der", "wurde", "hat" as content words and stems "Arbeitsplätze"
and "Arbeitsplatz" apart. `terms_in(language, text)` reads a text in German, Spanish, French, Italian or
Portuguese with that language's stop words (`prompts/stopwords/<code>.txt`: Snowball's lists and the words
questions are made of) and its Snowball stemmer (PyStemmer, which the English reading already uses); English,
Chinese and a language not told are read by `terms`, unchanged. `indexed_terms(title, text)` is what BM25
indexes of a chunk: its terms in the language it is written in, told from its text's first characters.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from index.language import language_of
from index.settings import PROMPTS_DIR
from index.text import terms, words

STEMMERS = {"de": "german", "es": "spanish", "fr": "french", "it": "italian", "pt": "portuguese"}
STOPWORDS_DIR = PROMPTS_DIR / "stopwords"
LANGUAGE_SAMPLE = 400  # characters of a passage its language is told from
_lock = threading.Lock()


def read_stop_words(path: Path) -> frozenset[str]:
    """The words of a stop-word file: one a line, lower-cased, '#' starting a comment."""
    lines = (line.split("#", 1)[0].strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


@lru_cache(maxsize=None)
def stop_words(language: str) -> frozenset[str]:
    """The stop words of `language` (one of `STEMMERS`), read once."""
    return read_stop_words(STOPWORDS_DIR / f"{language}.txt")


@lru_cache(maxsize=None)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer(STEMMERS[language])


def _stem(language: str, found: list[str]) -> list[str]:
    with _lock:  # a PyStemmer object is not safe to share between threads
        return _stemmer(language).stemWords(found)


def has_own_reading(language: str | None) -> bool:
    """Whether `language` has its own stop words and stemmer here (else it is read as `terms` reads it)."""
    return language in STEMMERS


def terms_in(language: str | None, text: str) -> list[str]:
    """The content terms of `text` read in `language`: its words less the language's stop words, stemmed in
    that language (numbers and Chinese runs as `index.text.terms` gives them); `terms(text)` for English,
    Chinese and None."""
    if language is None or not has_own_reading(language):
        return terms(text)
    stop = stop_words(language)
    kept = [w for w in words(text) if w not in stop]
    latin = [w for w in kept if len(w) > 1 and w.isalpha() and not _han(w)]
    rest = [w for w in kept if not w.isalpha() or _han(w)]
    return _stem(language, latin) + [t for w in rest for t in terms(w)]


def indexed_terms(title: str, text: str) -> list[str]:
    """The BM25 terms of a chunk (its title and text), read in the language of its text's first
    `LANGUAGE_SAMPLE` characters: the sample retrieval tells a passage's language from."""
    return terms_in(language_of(text[:LANGUAGE_SAMPLE]), f"{title}\n{text}")


def _han(word: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in word)
