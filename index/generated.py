"""Answers and summaries written by an LLM from numbered passages, with their citations checked.

The model sees the passages numbered `[1]…[n]`; after generation every `[n]` that is not one of those
numbers is removed, and an answer left with no valid citation becomes a refusal.
"""
from __future__ import annotations

import re
from typing import Sequence

from index.extractive import citation_for, refusal
from index.prompts import Prompt
from index.types import Answer, Passage

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
NOT_FOUND_REPLY = "NOT FOUND"


def format_passages(passages: Sequence[Passage]) -> str:
    """Passages numbered from 1, each headed by title, outlet and date, fenced so they read as data."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        head = " — ".join(part for part in (p.title, p.outlet or p.source, p.published[:10]) if part)
        text = p.text.replace("</passages>", "</ passages>")
        blocks.append(f"[{n}] {head}\n{text}")
    return "\n\n".join(blocks)


def cited_numbers(text: str) -> list[int]:
    """Every number cited in `text`, in order of first appearance."""
    seen: list[int] = []
    for match in _MARKER.finditer(text):
        for part in match.group(1).split(","):
            n = int(part)
            if n not in seen:
                seen.append(n)
    return seen


def keep_valid_markers(text: str, valid: set[int]) -> str:
    """Remove citation numbers that are not in `valid` (and markers left empty)."""
    def replace(match: re.Match) -> str:
        kept = [p.strip() for p in match.group(1).split(",") if int(p) in valid]
        return f"[{', '.join(kept)}]" if kept else ""

    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub(replace, text)).strip()


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Rewrite citation numbers through `mapping` so that the answer's citations read 1, 2, 3…"""
    return _MARKER.sub(lambda m: "[" + ", ".join(str(mapping[int(p)]) for p in m.group(1).split(",")) + "]", text)


def checked_answer(reply: str, passages: Sequence[Passage], question: str) -> Answer:
    """Turn a model's reply into an Answer whose every citation points at a passage it was given."""
    reply = reply.strip()
    if not reply or reply.upper().startswith(NOT_FOUND_REPLY):
        return refusal(passages, question)
    valid = set(range(1, len(passages) + 1))
    text = keep_valid_markers(reply, valid)
    used = cited_numbers(text)
    if not used:
        return refusal(passages, question)
    mapping = {old: new for new, old in enumerate(used, start=1)}
    citations = tuple(citation_for(passages[old - 1], new) for old, new in mapping.items())
    return Answer(text=renumber(text, mapping), refused=False, citations=citations, question=question)


def answer_prompt(prompt: Prompt, question: str, passages: Sequence[Passage]) -> str:
    """The user message asking the model to answer `question` from `passages`."""
    return prompt.format(question=question, passages=format_passages(passages))
