"""Where a scoped question's time goes: the dense (Chroma) and BM25 sides apart, on the store that
`python bench/scopes.py --keep` left behind.

    python bench/scopes_breakdown.py /tmp/newsbot-scopes-XXXX [--questions 20]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.embedding.onnx_minilm import OnnxMiniLMEmbedder  # noqa: E402
from index.store.lexical import LexicalIndex  # noqa: E402
from index.retrieval.hybrid import HybridRetriever  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.store.chroma import make_store  # noqa: E402

DATA = Path("/work/shared/data/realtimeqa-2025q1")


def main() -> None:
    """Time the dense and BM25 sides apart, with and without the scope filter."""
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    settings = Settings(home=args.home, sources_file=ROOT / "seeds" / "sources.toml")
    embedder = OnnxMiniLMEmbedder(cache_dir=ROOT / "bench" / "out" / "models")
    retrievers = {name: HybridRetriever(store.chunks, embedder, LexicalIndex(store, None))
                  for name, store in ((n, make_store(settings, f"bench-{n}")) for n in ("single", "many"))}
    questions = [json.loads(line)["question"] for line in (DATA / "questions.jsonl").open()][: args.questions]
    queries = [retrievers["single"].embed_query(q) for q in questions]
    for name, retriever in retrievers.items():
        started = time.perf_counter()
        retriever._lexical.snapshot()
        print(f"BM25 build, {name}: {time.perf_counter() - started:.1f} s")
    server, dm = ("shared", "g0"), ("shared",)
    cases = {
        "dense, single scope": lambda q: retrievers["single"]._dense(q, {}),
        "dense, 101k chunks, no filter": lambda q: retrievers["many"]._dense(q, {}),
        "dense, 101k chunks, shared + g0": lambda q: retrievers["many"]._dense(replace(q, scopes=server), {}),
        "dense, 101k chunks, shared only": lambda q: retrievers["many"]._dense(replace(q, scopes=dm), {}),
        "BM25, single scope": lambda q: retrievers["single"]._bm25(q, {}),
        "BM25, 101k chunks, no mask": lambda q: retrievers["many"]._bm25(q, {}),
        "BM25, 101k chunks, shared + g0 mask": lambda q: retrievers["many"]._bm25(replace(q, scopes=server), {}),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(3):
        for query in queries:
            for name, case in cases.items():
                started = time.perf_counter()
                case(query)
                samples[name].append(time.perf_counter() - started)
    base = statistics.median(samples["dense, single scope"])
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:38s} {1000 * median:7.2f} ms  {median / base:5.2f}x dense single")


if __name__ == "__main__":
    main()
