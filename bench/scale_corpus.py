"""bench/scale.py's corpus side: the RealTime QA rows, growing one index through the real pipeline to a
chunk count, its mirror (syndicated copies), and the incremental re-index measurements."""
from __future__ import annotations

import json
import time
from pathlib import Path

from bench.common import data_set


DATA = data_set().folder
SOURCE = "eval"  # the source name `newsbot eval` uses, so run_eval sees this index as already built
MIRROR = "eval-mirror"


def load_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def mirror_rows(rows: list[dict]) -> list[dict]:
    """A second copy of every article under another URL (a syndicated copy): same title and text."""
    return [{**r, "url": f"{r.get('url') or r['id']}#mirror", "id": f"mirror-{r['id']}"} for r in rows]


def chunk_count(service) -> int:
    collection, _ = service.store.resolve()
    return int(service.store.call(collection.count))


def index_rows(service, source: str, rows: list[dict], warm: bool = True) -> tuple[float, int]:
    """Index `rows` as the whole content of `source`, as `newsbot index` does (new generation, BM25 index
    built and cached); (seconds, chunks embedded)."""
    from index.errors import SourceError
    from index.sources.readers import article_from_row

    articles = []
    for number, row in enumerate(rows, start=1):
        try:
            articles.append(article_from_row(row, source, f"{source}/{number}"))
        except SourceError:  # too short to be an article, as `newsbot eval` skips it
            continue
    started = time.perf_counter()
    report = service.indexer.index(source, articles)
    if report.added or report.updated or report.deleted:
        service.store.bump_generation()
        if warm:
            service.lexical.snapshot()
    return time.perf_counter() - started, report.chunks_embedded


def grow_to(service, rows: list[dict], target_chunks: int, start: int) -> int:
    """Index ever longer prefixes of `rows` until the index holds >= target_chunks; return the prefix used."""
    prefix = start
    while True:
        index_rows(service, SOURCE, rows[:prefix], warm=False)  # the steps stand for one index run:
        have = chunk_count(service)
        if have >= target_chunks or prefix >= len(rows):
            service.lexical.snapshot()  # ... which ends by building the BM25 index once
            return prefix
        per_article = have / max(prefix, 1)  # later weeks have longer articles: approach in steps
        prefix = min(len(rows), prefix + max(1, int((target_chunks - have) / per_article * 0.7) + 1))


def incremental(service, rows: list[dict], first_run_s: float) -> dict:
    """Re-index the unchanged corpus, then with one article edited (and back)."""
    unchanged_s, unchanged_embedded = index_rows(service, SOURCE, rows)
    pick = max(range(len(rows)), key=lambda i: len(rows[i]["text"]) if 3000 < len(rows[i]["text"]) < 6000 else 0)
    edited = list(rows)
    edited[pick] = {**rows[pick], "text": rows[pick]["text"] + "\n\nThis article has been updated."}
    changed_s, changed_embedded = index_rows(service, SOURCE, edited)
    index_rows(service, SOURCE, rows)  # back to the original text
    chunks = chunk_count(service)
    return {
        "chunks": chunks, "first_run_seconds": first_run_s,
        "unchanged": {"seconds": unchanged_s, "chunks_embedded": unchanged_embedded,
                      "of_first_run": unchanged_s / first_run_s},
        "one_article_changed": {"seconds": changed_s, "chunks_embedded": changed_embedded,
                                "article_chars": len(rows[pick]["text"]),
                                "of_first_run": changed_s / first_run_s,
                                "first_run_time_for_that_many_chunks": first_run_s * changed_embedded / chunks,
                                "scan_seconds_of_unchanged_run": unchanged_s},
    }
