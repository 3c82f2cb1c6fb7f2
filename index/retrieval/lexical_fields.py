"""Lexical levers measured for issue 14: fields (title, lead) and phrase terms on the BM25 side.

Pure functions over a chunk's text and metadata; bench/lexical_levers.py builds a BM25 index
(index/store/bm25_postings.py) from them and measures each lever on the tune half.

- `title_weight` w: the title's terms count w times (the body's once), a field weight in the style of
  BM25F's simplest form (repeating a field's terms);
- `lead_weight` w: the terms of an article's first chunk (its lead) count w times;
- `bigrams`: adjacent content terms joined ("feder reserv") are added as terms, to the chunk and to the
  question, so that a passage holding the question's phrase scores above one holding its words apart.
"""
from __future__ import annotations

from dataclasses import dataclass

from index.text import terms

BIGRAM_JOIN = " "  # never inside a term (terms are \w+ words), so a bigram never equals a word


@dataclass(frozen=True)
class LexicalFields:
    """How a chunk's terms are counted on the BM25 side; the defaults are today's (title + text once)."""

    title_weight: int = 1
    lead_weight: int = 1
    bigrams: bool = False
    body: bool = True  # False: the title alone (the title list of index/retrieval/field_index.py)


TITLE_ONLY = LexicalFields(body=False)


def bigram_terms(sequence: list[str]) -> list[str]:
    """Adjacent pairs of a term sequence, joined: ["feder", "reserv", "rate"] -> ["feder reserv", "reserv rate"]."""
    return [f"{a}{BIGRAM_JOIN}{b}" for a, b in zip(sequence, sequence[1:])]


def with_bigrams(sequence: list[str], on: bool) -> list[str]:
    """The terms, followed by their bigrams when `on`."""
    return sequence + bigram_terms(sequence) if on else sequence


def field_tokens(text: str, metadata: dict, fields: LexicalFields) -> list[str]:
    """The BM25 terms of one chunk under `fields` (the default gives `terms(title + "\\n" + text)`)."""
    title = terms(str((metadata or {}).get("title") or ""))
    body = terms(text or "") if fields.body else []
    tokens = with_bigrams(title, fields.bigrams) * fields.title_weight + with_bigrams(body, fields.bigrams)
    if int((metadata or {}).get("position") or 0) == 0:
        tokens = tokens * fields.lead_weight
    return tokens


def question_terms(text: str, fields: LexicalFields) -> list[str]:
    """The BM25 query terms of a question under `fields`."""
    return with_bigrams(terms(text), fields.bigrams)
