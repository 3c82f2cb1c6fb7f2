"""A 10-article refresh's BM25 update against a full rebuild, on an existing index (read-only).

The previous generation is simulated by the full snapshot without 10 articles' chunks; the delta build
then reads back and tokenises only those chunks. Both are timed in the same process, one after the other.

    NEWSBOT_HOME=/tmp/eval-home python bench/bm25_delta.py --collection eval-895e59bff0 [--articles 10]
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace

from index.app import build_service
from index.store.chunk_ids import parse_chunk_id
from index.store.lexical import build_snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", required=True, help="the logical index, e.g. eval-895e59bff0")
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    service = build_service(collection=args.collection)
    collection = service.store.physical(service.store.live_name())
    full_times, delta_times = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        full = build_snapshot(collection, "full")
        full_times.append(time.perf_counter() - started)
        articles = sorted({(parse_chunk_id(i) or (i,))[0] for i in full.ids})[: args.articles]
        keep = [r for r, i in enumerate(full.ids) if (parse_chunk_id(i) or (i,))[0] not in set(articles)]
        frequency = full.document_frequency.copy()
        for r in set(range(len(full.ids))) - set(keep):
            frequency.subtract(set(full.tokens[r]))
        previous = replace(full, ids=[full.ids[r] for r in keep], texts=[full.texts[r] for r in keep],
                           metadatas=[full.metadatas[r] for r in keep], tokens=[full.tokens[r] for r in keep],
                           document_frequency=+frequency)
        started = time.perf_counter()
        delta = build_snapshot(collection, "delta", previous)
        delta_times.append(time.perf_counter() - started)
        assert sorted(delta.ids) == sorted(full.ids) and delta.document_frequency == full.document_frequency
    new_chunks = len(full.ids) - len(keep)
    print(json.dumps({"chunks": len(full.ids), "articles_new": args.articles, "chunks_new": new_chunks,
                      "full_rebuild_s": [round(t, 2) for t in full_times],
                      "delta_update_s": [round(t, 2) for t in delta_times],
                      "delta_over_full": round(min(delta_times) / min(full_times), 3)}, indent=2))


if __name__ == "__main__":
    main()
