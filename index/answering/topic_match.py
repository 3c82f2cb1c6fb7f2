"""Does a new article match a followed topic? The answer's support check (index/answering/support.py),
with the topic as the claim and each passage of the article as the evidence.

A topic matches an article when one of its passages supports it as a cited sentence of an answer must be
supported by its passage: `0.5 * lexical + 0.5 * semantic >= THRESHOLD`, its numbers found there. Since the
semantic part is at most 1, a passage whose lexical share is below `2 * THRESHOLD - 1` cannot support the
topic; those are left out before anything is embedded (the same decision, for less work). Pure: the embedder
comes in as a function.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.answering.support import THRESHOLD, Embed, Support, evidence_units, lexical_support, numbers_in
from index.types import Passage

MIN_LEXICAL = 2 * THRESHOLD - 1  # below this, no cosine can bring the support to the threshold


@dataclass(frozen=True)
class TopicMatch:
    """The passage of an article that supports a topic best, and its sentence closest to the topic."""

    passage: Passage
    sentence: str
    support: Support


def topic_matches(topic: str, passages: Sequence[Passage], embed: Embed) -> list[TopicMatch]:
    """For each article among `passages`, its best supporting passage, when one supports `topic`."""
    candidates = [p for p in passages if lexical_support(topic, f"{p.title}\n{p.text}") >= MIN_LEXICAL]
    if not candidates:
        return []
    units = [evidence_units(p.title, p.text) for p in candidates]
    vectors = embed([topic] + [u for us in units for u in us])
    best: dict[str, TopicMatch] = {}
    offset = 1
    for passage, its_units in zip(candidates, units):
        cosines = vectors[offset: offset + len(its_units)] @ vectors[0] if its_units else np.zeros(0)
        offset += len(its_units)
        whole = "\n".join(its_units)
        support = Support(lexical_support(topic, whole), float(np.max(cosines)) if len(cosines) else 0.0,
                          numbers_in(topic) <= numbers_in(whole))
        if not support.supports(THRESHOLD):
            continue
        sentence = _closest_sentence(its_units, cosines, passage.title)
        known = best.get(passage.article_id)
        if known is None or support.score > known.support.score:
            best[passage.article_id] = TopicMatch(passage, sentence, support)
    return sorted(best.values(), key=lambda m: -m.support.score)


def _closest_sentence(units: list[str], cosines: np.ndarray, title: str) -> str:
    """The unit closest to the topic that is a sentence of the text (not the title) when there is one."""
    order = np.argsort(-cosines) if len(cosines) else []
    for i in order:
        if units[int(i)] != title.strip():
            return units[int(i)]
    return units[int(order[0])] if len(order) else ""
