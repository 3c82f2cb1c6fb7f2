"""`newsbot doctor`: the consistency of sources config, docstores and vector store, checked and repaired.

Pure logic: `check` takes what was read from the stores (an `Inventory`) and returns the problems;
`plan` turns problems into the writes that repair them. Every repair only deletes: whatever is deleted
from an article is re-embedded by the next `newsbot index`, so a repair never invents content.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from index.store.chunk_ids import HASH_CHARS, is_complete, parse_chunk_id
from index.types import Problem


@dataclass(frozen=True)
class Chunk:
    """One record of the vector store, as far as consistency is concerned."""

    id: str
    source: str
    article_id: str


@dataclass(frozen=True)
class Inventory:
    """What the stores hold: configured sources, each source's docstore (article id -> hash), the chunks."""

    configured: frozenset[str]
    docstores: dict[str, dict[str, str]]
    chunks: tuple[Chunk, ...]
    leftovers: tuple[str, ...] = ()  # physical collections / docstore folders that are not live


@dataclass
class Repair:
    """The deletions that resolve a list of problems."""

    chunk_ids: list[str] = field(default_factory=list)
    forget: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # source -> article ids
    docstores: list[str] = field(default_factory=list)  # sources whose docstore goes
    collections: list[str] = field(default_factory=list)  # leftover collections and folders


def check(inventory: Inventory) -> list[Problem]:
    """Every mismatch between config, docstores and chunks; empty when consistent."""
    problems: list[Problem] = []
    for name in inventory.leftovers:
        problems.append(Problem("leftover-collection", "", name, "not live (an unfinished or replaced re-index)"))
    for source in sorted(set(inventory.docstores) - inventory.configured):
        problems.append(Problem("unconfigured-docstore", source, source, "source no longer in the sources config"))
    by_article: dict[tuple[str, str], set[str]] = defaultdict(set)
    for chunk in inventory.chunks:
        by_article[(chunk.source, chunk.article_id)].add(chunk.id)
    for (source, article_id), ids in sorted(by_article.items()):
        known = inventory.docstores.get(source, {})
        if source not in inventory.configured:
            problems.append(Problem("unknown-source", source, article_id, f"{len(ids)} chunk(s) of an unconfigured source"))
        elif article_id not in known:
            problems.append(Problem("orphan-chunks", source, article_id, f"{len(ids)} chunk(s) not in the docstore"))
        elif not is_complete(ids, known[article_id]):
            problems.append(Problem("incomplete-article", source, article_id,
                                    f"{len(ids)} chunk(s) do not form its current version"))
    for source, articles in sorted(inventory.docstores.items()):
        if source not in inventory.configured:
            continue
        for article_id in sorted(articles):
            if (source, article_id) not in by_article:
                problems.append(Problem("missing-chunks", source, article_id, "in the docstore but has no chunks"))
    return problems


def plan(inventory: Inventory, problems: list[Problem]) -> Repair:
    """The deletions that repair `problems` (the next index run re-embeds what they removed)."""
    repair = Repair()
    ids_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for chunk in inventory.chunks:
        ids_of[(chunk.source, chunk.article_id)].append(chunk.id)
    for problem in problems:
        key = (problem.source, problem.item)
        if problem.kind == "leftover-collection":
            repair.collections.append(problem.item)
        elif problem.kind == "unconfigured-docstore":
            repair.docstores.append(problem.source)
        elif problem.kind in ("unknown-source", "orphan-chunks"):
            repair.chunk_ids.extend(ids_of[key])
        elif problem.kind == "incomplete-article":
            current = inventory.docstores[problem.source][problem.item]
            stale = [i for i in ids_of[key] if _hash_of(i) != current[:HASH_CHARS]]
            kept = set(ids_of[key]) - set(stale)
            if is_complete(kept, current):
                repair.chunk_ids.extend(stale)
            else:
                repair.chunk_ids.extend(ids_of[key])
                repair.forget[problem.source].append(problem.item)
        elif problem.kind == "missing-chunks":
            repair.forget[problem.source].append(problem.item)
    return repair


def _hash_of(chunk_id: str) -> str:
    parsed = parse_chunk_id(chunk_id)
    return parsed[1] if parsed else "-"
