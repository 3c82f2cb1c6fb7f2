"""The BM25 side of a 10-article refresh against a full build, at ~28k and ~57k chunks, old (bm25s, rebuilt
whole) and new (index/bm25_postings.py, appended), plus query latency new against old.

The chunks are those of an existing BM25 cache (read only; the full eval index's 28,535 chunks); 57k is the
same chunks twice, the copy under other chunk and article ids. No Chroma and no embedding: the collection is
an in-memory stand-in answering `get` as Chroma does, so what is timed is the BM25 side alone (listing the
ids of a real Chroma collection is timed apart with --chroma-collection). Everything in one run.

    nice -n 15 python bench/bm25_incremental.py /work/evalhome-full/lexical/eval-55dc2e498a-all-minilm-l6-v2.pkl
"""
from __future__ import annotations

import argparse
import json
import pickle
import statistics
from collections import Counter
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

from index.lexical import LexicalSnapshot, build_snapshot, top_rows  # noqa: E402
from index.lexical_cache import SnapshotFile  # noqa: E402
from index.lexical_delta import chunk_tokens  # noqa: E402
from index.text import terms  # noqa: E402

QUESTIONS = ROOT.parent / "shared" / "data" / "realtimeqa-2025q1" / "questions.jsonl"


class MemoryCollection:
    """Chunks in lists, answering `get` (by page or by ids) as a Chroma collection does."""

    def __init__(self, ids: list[str], texts: list[str], metadatas: list[dict]) -> None:
        self.ids, self.texts, self.metadatas = ids, texts, metadatas
        self.row = {i: r for r, i in enumerate(ids)}

    def get(self, ids=None, include=(), limit=None, offset=0) -> dict:
        rows = [self.row[i] for i in ids if i in self.row] if ids is not None else range(
            offset, min(len(self.ids), offset + (limit or len(self.ids))))
        return {"ids": [self.ids[r] for r in rows], "documents": [self.texts[r] for r in rows],
                "metadatas": [self.metadatas[r] for r in rows]}


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def corpus(cache: Path, copies: int) -> tuple[list[str], list[str], list[dict]]:
    with cache.open("rb") as handle:
        snapshot = pickle.load(handle)
    ids, texts, metadatas = [], [], []
    for copy in range(copies):
        prefix = f"copy{copy}-" if copy else ""
        ids += [prefix + i for i in snapshot.ids]
        texts += snapshot.texts
        # stamped with a scope, as every chunk of a collection is once index/scopes.py has run
        metadatas += [{**m, "scope": m.get("scope") or "shared", "article_id": prefix + str(m.get("article_id", ""))}
                      for m in snapshot.metadatas]
    return ids, texts, metadatas


def old_build(tokenized: list[list[str]]) -> bm25s.BM25:
    """What index/lexical.py did before: bm25s over every chunk's tokens."""
    bm25 = bm25s.BM25()
    bm25.index(tokenized, show_progress=False)
    return bm25


def one_size(ids, texts, metadatas, articles: int, queries: list[list[str]]) -> dict:
    chosen = set(sorted({m["article_id"] for m in metadatas})[-articles:])
    old = [r for r, m in enumerate(metadatas) if m["article_id"] not in chosen]
    new = [r for r, m in enumerate(metadatas) if m["article_id"] in chosen]
    everything = MemoryCollection(ids, texts, metadatas)
    before = MemoryCollection(*([column[r] for r in old] for column in (ids, texts, metadatas)))
    # old: a full build tokenised and indexed all; the refresh (index/lexical_delta.py as it was) tokenised
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
        stored = SnapshotFile(Path(work, "new.pkl"))
        _, base_s = timed(lambda: stored.save(previous))
        _, append_s = timed(lambda: stored.save(refreshed))
        appended = Path(work, "new.log").stat().st_size
        loaded, load_s = timed(lambda: SnapshotFile(Path(work, "new.pkl")).load())
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
    """Median per-question time of scores + top 40 (old, new compacted, new with a tail), and whether the
    three agree: the same 40 scores (to 1e-5) and the same chunks wherever a score is not tied."""
    agree, times = 0, {"old": [], "new": [], "tail": []}
    for query in queries:
        known = [t for t in query if t in old.vocab_dict]
        if not known:
            continue
        runs = []
        for key, scores in (("old", lambda: old.get_scores(known)), ("new", lambda: full.bm25.get_scores(known)),
                            ("tail", lambda: refreshed.bm25.get_scores(known))):
            top, seconds = timed(lambda: top_rows(scores(), 40))
            times[key].append(seconds)
            runs.append(top)
        names = [full.ids, full.ids, refreshed.ids]
        untied = [{names[n][r] for r, s in run if [round(x, 5) for _, x in run].count(round(s, 5)) == 1} for n, run in enumerate(runs)]
        scores_of = [np.array([s for _, s in run]) for run in runs]
        agree += (all(len(s) == len(scores_of[0]) and np.allclose(s, scores_of[0], rtol=0, atol=1e-5) for s in scores_of)
                  and untied[0] == untied[1] == untied[2])
    median = {k: statistics.median(v) for k, v in times.items()}
    return {"questions": len(times["old"]), "questions_same_top40": agree,
            "query_new_over_old": round(median["new"] / median["old"], 2),
            "query_new_with_tail_over_old": round(median["tail"] / median["old"], 2),
            "query_old_median_ms": round(1000 * median["old"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path, help="a BM25 cache file (NEWSBOT_HOME/lexical/<collection>.pkl)")
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    with QUESTIONS.open(encoding="utf-8") as lines:
        queries = [terms(json.loads(line)["question"]) for _, line in zip(range(args.questions), lines)]
    results = [one_size(*corpus(args.cache, copies), args.articles, queries) for copies in (1, 2)]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
