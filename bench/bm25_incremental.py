"""The BM25 side of a 10-article refresh against a full build, at ~28k and ~57k chunks, old (bm25s, rebuilt
whole) and new (index/store/bm25_postings.py, appended), plus query latency new against old.

The chunks are those of an existing BM25 cache (read only; the full eval index's 28,535 chunks); 57k is the
same chunks twice, the copy under other chunk and article ids. No Chroma and no embedding: the collection is
an in-memory stand-in answering `get` as Chroma does, so what is timed is the BM25 side alone (listing the
ids of a real Chroma collection is timed apart with --chroma-collection). Everything in one run.

    nice -n 15 python -m bench.bm25_incremental /work/evalhome-full/lexical/eval-55dc2e498a-all-minilm-l6-v2.pkl
    python -m bench.bm25_incremental --quick    # no cache: the paragraphs of the data set's first 150 articles
"""
from __future__ import annotations

import argparse
import gc
import json
import pickle
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from bench.common import data_set, read_jsonl

from index.store.lexical import LexicalSnapshot, build_snapshot, top_rows
from index.store.lexical_cache import SnapshotFile
from index.store.chunks import Chunks
from index.store.lexical_delta import chunk_tokens
from index.text import terms

QUICK_ARTICLES = 150


class MemoryCollection:
    """Chunks in lists, answering `get` (by page or by ids) as a Chroma collection does."""

    def __init__(self, ids: list[str], texts: list[str], metadatas: list[dict]) -> None:
        self.ids, self.texts, self.metadatas = ids, texts, metadatas
        self.row = {i: r for r, i in enumerate(ids)}

    def get(self, ids=None, where=None, include=(), limit=None, offset=0) -> dict:
        rows = [self.row[i] for i in ids if i in self.row] if ids is not None else range(
            offset, min(len(self.ids), offset + (limit or len(self.ids))))
        return {"ids": [self.ids[r] for r in rows], "documents": [self.texts[r] for r in rows],
                "metadatas": [self.metadatas[r] for r in rows]}


def timed(action):
    """(result, seconds) of `action`; what exists before it is frozen so that the collector does not
    walk it (the bench holds several corpora at once, which a process never does)."""
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


class CacheReader(pickle.Unpickler):
    """Reads a cache pickled before index/ moved into packages (issue 11): index.lexical is now index.store.lexical."""

    def find_class(self, module: str, name: str):
        return super().find_class("index.store.lexical" if module == "index.lexical" else module, name)


def cached_chunks(cache: Path) -> tuple[list[str], list[str], list[dict]]:
    """The chunks of a BM25 cache file."""
    with cache.open("rb") as handle:
        snapshot = CacheReader(handle).load()
    return list(snapshot.ids), list(snapshot.texts), list(snapshot.metadatas)


def paragraph_chunks(articles: list[dict]) -> tuple[list[str], list[str], list[dict]]:
    """A stand-in corpus for a quick run: each paragraph of each article a chunk."""
    ids, texts, metadatas = [], [], []
    for article in articles:
        for position, text in enumerate(p for p in (article.get("text") or "").split("\n") if p.strip()):
            ids.append(f"{article['id']}#{position}")
            texts.append(text)
            metadatas.append({"article_id": str(article["id"]), "title": article.get("title") or "",
                              "position": position})
    return ids, texts, metadatas


def corpus(chunks: tuple[list[str], list[str], list[dict]], copies: int) -> tuple[list[str], list[str], list[dict]]:
    """The chunks `copies` times, each copy under other chunk and article ids."""
    ids, texts, metadatas = [], [], []
    for copy in range(copies):
        prefix = f"copy{copy}-" if copy else ""
        ids += [prefix + i for i in chunks[0]]
        texts += chunks[1]
        # stamped with a scope, as every chunk of a collection is once index/sources/scopes.py has run
        metadatas += [{**m, "scope": m.get("scope") or "shared", "article_id": prefix + str(m.get("article_id", ""))}
                      for m in chunks[2]]
    return ids, texts, metadatas


def old_build(tokenized: list[list[str]]) -> bm25s.BM25:
    """What index/store/lexical.py did before: bm25s over every chunk's tokens."""
    bm25 = bm25s.BM25()
    bm25.index(tokenized, show_progress=False)
    return bm25


def one_size(ids, texts, metadatas, articles: int, queries: list[list[str]]) -> dict:
    chosen = set(sorted({m["article_id"] for m in metadatas})[-articles:])
    old = [r for r, m in enumerate(metadatas) if m["article_id"] not in chosen]
    new = [r for r, m in enumerate(metadatas) if m["article_id"] in chosen]
    everything = Chunks.over(MemoryCollection(ids, texts, metadatas))
    before = Chunks.over(MemoryCollection(*([column[r] for r in old] for column in (ids, texts, metadatas))))
    # old: a full build tokenised and indexed all; the refresh (index/store/lexical_delta.py as it was) tokenised
    # the new chunks only and rebuilt bm25s over every chunk's kept tokens; both then pickled the snapshot
    kept_tokens = [chunk_tokens(texts[r], metadatas[r]) for r in old]
    all_tokens, old_tokenise_s = timed(lambda: [chunk_tokens(t, m) for t, m in zip(texts, metadatas)])
    old_full, old_index_s = timed(lambda: old_build(all_tokens))
    old_refresh, old_refresh_s = timed(lambda: old_build(kept_tokens + [chunk_tokens(texts[r], metadatas[r]) for r in new]))
    old_snapshot = LexicalSnapshot("old", ids, texts, metadatas, Counter(), old_refresh, all_tokens)
    previous = build_snapshot(before, "previous")
    new_full, new_full_s = timed(lambda: build_snapshot(everything, "full"))
    refreshed, new_refresh_s = timed(lambda: build_snapshot(everything, "refresh", previous))
    with tempfile.TemporaryDirectory() as work:
        _, old_save_s = timed(lambda: pickle.dump(old_snapshot, Path(work, "old.pkl").open("wb"), protocol=pickle.HIGHEST_PROTOCOL))
        stored = SnapshotFile(Path(work, "new.pkl"), LexicalSnapshot)
        _, base_s = timed(lambda: stored.save(previous))
        _, append_s = timed(lambda: stored.save(refreshed))
        appended = Path(work, "new.log").stat().st_size
        loaded, load_s = timed(lambda: SnapshotFile(Path(work, "new.pkl"), LexicalSnapshot).load())
        assert loaded.generation == "refresh" and loaded.ids == refreshed.ids
    old_full_s = old_tokenise_s + old_index_s
    return {
        "chunks": len(ids), "articles_new": articles, "chunks_new": len(new),
        "old_full_s": round(old_full_s, 3), "old_refresh_s": round(old_refresh_s, 3),
        "old_save_s": round(old_save_s, 3),
        "old_refresh_over_full": round(old_refresh_s / old_full_s, 3),
        "new_full_s": round(new_full_s, 3), "new_refresh_s": round(new_refresh_s, 3),
        "new_refresh_over_full": round(new_refresh_s / new_full_s, 4),
        "new_save_base_s": round(base_s, 3), "new_save_append_s": round(append_s, 4),
        "append_bytes": appended, "new_load_base_and_log_s": round(load_s, 3),
        "refresh_with_save_new_over_old": round((new_refresh_s + append_s) / (old_refresh_s + old_save_s), 4),
        "full_new_over_old": round(new_full_s / old_full_s, 3),
        "tail_postings_after_refresh": int(len(refreshed.bm25.tail_terms)),
        **queries_compared(old_full, new_full, refreshed, queries),
    }


def queries_compared(old, full, refreshed, queries: list[list[str]]) -> dict:
    """Median per-question time of scores + top 40 (old, new compacted, new refreshed: with a tail), and
    the largest difference between their scores of the same chunk."""
    row_of = {i: r for r, i in enumerate(refreshed.ids)}
    order = np.array([row_of[i] for i in full.ids])
    worst, times = 0.0, {"old": [], "new": [], "tail": []}
    for query in queries:
        known = [t for t in query if t in old.vocab_dict]
        if not known:
            continue
        scores = []
        for key, index in (("old", old), ("new", full.bm25), ("tail", refreshed.bm25)):
            _, seconds = timed(lambda: top_rows(index.get_scores(known), 40))
            times[key].append(seconds)
            scores.append(index.get_scores(known))
        worst = max(worst, float(np.abs(scores[0] - scores[1]).max()), float(np.abs(scores[1] - scores[2][order]).max()))
    median = {k: statistics.median(v) for k, v in times.items()}
    return {"questions": len(times["old"]), "max_score_difference": worst,
            "query_new_over_old": round(median["new"] / median["old"], 2),
            "query_new_with_tail_over_old": round(median["tail"] / median["old"], 2),
            "query_old_median_ms": round(1000 * median["old"], 3)}


def chroma_listing(collection: str) -> dict:
    """Listing every id (what a refresh still does to find removed chunks: by pages as before, in one read
    as now) and reading every chunk back (what a full build does first) on a collection of NEWSBOT_HOME."""
    from index.app import build_service
    from index.settings import Settings
    from index.store.chunks import PAGE

    service = build_service(Settings(), collection=collection)  # NEWSBOT_HOME from the environment
    live = service.store.physical(service.store.live_name())
    _, paged_s = timed(lambda: [live.get(include=[], limit=PAGE, offset=o) for o in range(0, live.count(), PAGE)])
    ids, list_s = timed(lambda: Chunks.over(live).ids())
    _, read_s = timed(lambda: [live.get(include=["documents", "metadatas"], limit=2000, offset=o)
                               for o in range(0, len(ids), 2000)])
    return {"chroma_chunks": len(ids), "chroma_list_ids_paged_s": round(paged_s, 3),
            "chroma_list_ids_s": round(list_s, 3), "chroma_read_all_s": round(read_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cache", type=Path, nargs="?", help="a BM25 cache file (NEWSBOT_HOME/lexical/<collection>.pkl)")
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--chroma-collection", help="also time listing ids on this collection of NEWSBOT_HOME")
    parser.add_argument("--quick", action="store_true", help=f"the paragraphs of the first {QUICK_ARTICLES} articles")
    args = parser.parse_args()
    if args.cache is None and not args.quick:
        parser.error("give a BM25 cache file, or --quick")
    data = data_set()
    queries = [terms(q["question"]) for q in read_jsonl(data.questions)[: args.questions]]
    chunks = paragraph_chunks(read_jsonl(data.articles)[:QUICK_ARTICLES]) if args.quick else cached_chunks(args.cache)
    results = [one_size(*corpus(chunks, copies), args.articles, queries) for copies in (1, 2)]
    if args.chroma_collection:
        results.append(chroma_listing(args.chroma_collection))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
