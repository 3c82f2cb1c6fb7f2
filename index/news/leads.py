"""The articles of a window of days, read from the store through `Chunks`: each article's lead chunk
(position 0: the title and first passage, which is what the store embedded) with its vector."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.news.stories import StorySignal, signal
from index.retrieval.hybrid import passage_from_record
from index.store.chunks import ChunkFilter, Chunks
from index.types import Passage, Scope


@dataclass(frozen=True)
class Lead:
    """One article of the window: its lead passage (citable), its lead vector and its published day."""

    passage: Passage
    vector: np.ndarray
    day: int  # days since 1970, -1 when undated
    scope: str

    def signal(self) -> StorySignal:
        """What story grouping looks at in this article."""
        return signal(self.passage.article_id, self.vector, self.passage.title, self.passage.text, self.day)


def window_filters(scopes: Sequence[Scope], since_day: int | None, until_day: int | None,
                   sources: Sequence[str] | None = None) -> list[ChunkFilter]:
    """The lead chunks of the window: of every source of `scopes`, or of the named sources in each scope."""
    scopes = tuple(scopes)
    if not sources:
        return [ChunkFilter(scopes=scopes, since_day=since_day, until_day=until_day, position=0)]
    return [ChunkFilter(source=Scope(scope).qualify(name), scopes=(scope,), since_day=since_day,
                        until_day=until_day, position=0) for name in dict.fromkeys(sources) for scope in scopes]


def read_leads(chunks: Chunks, filters: Sequence[ChunkFilter]) -> list[Lead]:
    """The lead of every article matching one of `filters` (each article once), oldest first."""
    found: dict[str, Lead] = {}
    for where in filters:
        for page in chunks.pages(where, text=True, metadata=True, embeddings=True):
            for chunk in page:
                if chunk.embedding is None:
                    continue
                passage = passage_from_record(chunk.id, chunk.text, dict(chunk.metadata), 0.0)
                found.setdefault(passage.article_id, Lead(
                    passage, chunk.embedding, int(chunk.metadata.get("published_day", -1) or -1),
                    str(chunk.metadata.get("scope") or Scope.SHARED)))
    return sorted(found.values(), key=lambda lead: (lead.day, lead.passage.article_id))
