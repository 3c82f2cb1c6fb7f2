"""What a question costs with 100 server scopes beside the shared corpus, against a single scope.

Builds, in a temporary embedded Chroma store, (A) a collection holding only the shared corpus, (B) one
collection holding the shared corpus and 100 server scopes of 1,000 chunks each (index/sources/scopes.py's
design), and (C) the per-server collection of the alternative design (one collection per scope). Chunks
are ~1,000-character pieces of the data set's articles (bench/common.py); the server scopes reuse 1,000 embedded chunks
with their vectors slightly perturbed (each scope a distinct point set; nothing else is re-embedded).
Questions are the RealTime QA questions. Timings are medians of interleaved runs in one process, reported
as ratios to (A).

    python -m bench.scopes [--servers 100] [--per-server 1000] [--shared 1000] [--questions 40] [--keep]
    python -m bench.scopes --quick     # 5 servers of 100 chunks beside 100 shared ones, 5 questions

With --keep the store is left in the printed temporary folder.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.common import ROOT, alternate, data_set, out_dir
from index.embedding.onnx_minilm import OnnxMiniLMEmbedder
from index.store.lexical import LexicalIndex, build_snapshot
from index.retrieval.hybrid import HybridRetriever
from index.store.chunks import Chunks, StoredChunk
from index.settings import Settings
from index.store.chroma import make_store

DATA = data_set().folder


def chunks(count: int, skip: int = 0) -> list[tuple[str, str]]:
    """(title, text) pieces of about 1,000 characters from the articles, in file order."""
    out: list[tuple[str, str]] = []
    with (DATA / "articles.jsonl").open() as handle:
        for line in handle:
            article = json.loads(line)
            text = article["text"]
            for start in range(0, len(text), 1000):
                out.append((article["title"], text[start:start + 1000]))
                if len(out) == skip + count:
                    return out[skip:]
    return out[skip:]


def write(chunks: Chunks, scope: str, pieces, vectors: np.ndarray, prefix: str) -> None:
    """Write chunks of one scope (ids prefixed so that scopes never share an id)."""
    for start in range(0, len(pieces), 5000):
        part = pieces[start:start + 5000]
        chunks.upsert([StoredChunk(f"{prefix}{start + i}", text,
                                   {"title": title, "source": f"{prefix}src", "scope": scope,
                                    "article_id": f"{prefix}{start + i}", "position": 0, "published_day": 0},
                                   vectors[start + i]) for i, (title, text) in enumerate(part)])


def perturbed(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The vectors moved by a little noise and normalised again: a distinct point set per server scope."""
    noisy = vectors + rng.normal(0, 0.02, vectors.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def timed(fn) -> float:
    """Seconds `fn()` took."""
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def build(args: argparse.Namespace, embedder, home: Path) -> dict:
    """The three stores: `single` (shared corpus only), `many` (shared + N server scopes), `server` (one
    server's chunks alone, as a collection per scope would hold them)."""
    shared = chunks(args.shared)
    server = chunks(args.per_server, skip=args.shared)
    started = time.perf_counter()
    shared_vectors = np.asarray(embedder.embed([f"{t}\n{x}" for t, x in shared]), dtype=np.float32)
    server_vectors = np.asarray(embedder.embed([f"{t}\n{x}" for t, x in server]), dtype=np.float32)
    print(f"embedded {len(shared) + len(server)} chunks in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rng = np.random.default_rng(0)
    settings = Settings(home=home, sources_file=ROOT / "seeds" / "sources.toml")
    stores = {name: make_store(settings, f"bench-{name}") for name in ("single", "many", "server")}
    write(stores["single"].chunks, "shared", shared, shared_vectors, "s")
    write(stores["many"].chunks, "shared", shared, shared_vectors, "s")
    write(stores["server"].chunks, "g0", server, perturbed(server_vectors, rng), "g0-")
    started = time.perf_counter()
    for g in range(args.servers):
        write(stores["many"].chunks, f"g{g}", server, perturbed(server_vectors, rng), f"g{g}-")
    print(f"wrote {stores['many'].chunks.count()} chunks in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    return stores


def measure(args: argparse.Namespace, embedder, stores: dict) -> dict:
    """BM25 build times, then the interleaved per-question timings of every case."""
    builds = {name: timed(lambda: build_snapshot(s.chunks, "x")) for name, s in stores.items()}
    retrievers = {name: HybridRetriever(s.chunks, embedder, LexicalIndex(s, None)) for name, s in stores.items()}
    questions = [json.loads(line)["question"] for line in (DATA / "questions.jsonl").open()][: args.questions]
    queries = [retrievers["single"].embed_query(q) for q in questions]
    for r in retrievers.values():  # BM25 snapshots built and cached before timing
        r.retrieve(queries[0], 6)
    n = args.servers
    cases = {
        "A: single scope (shared corpus only, no filter)": lambda q: retrievers["single"].retrieve(q, 6),
        f"B: {n} servers, one collection, a server's question (shared + its scope)":
            lambda q: retrievers["many"].retrieve(scoped(q, ("shared", "g0")), 6),
        f"B: {n} servers, one collection, a DM (shared only)":
            lambda q: retrievers["many"].retrieve(scoped(q, ("shared",)), 6),
        f"B: {n} servers, one collection, no scope filter (every chunk)": lambda q: retrievers["many"].retrieve(q, 6),
        "C: a collection per scope (shared + the server's, two retrievals)":
            lambda q: (retrievers["single"].retrieve(q, 6), retrievers["server"].retrieve(q, 6)),
    }
    timings = alternate(cases, queries, rounds=3)  # interleaved: the machine's load hits every case alike
    rows = [{"case": name, "median_ms": round(t["median_ms"], 2), "ratio_to_single_scope": round(t["ratio"], 2)}
            for name, t in timings.items()]
    return {"chunks": {name: s.chunks.count() for name, s in stores.items()},
            "bm25_build_seconds": {k: round(v, 2) for k, v in builds.items()},
            "bm25_build_ratio_many_to_single": round(builds["many"] / builds["single"], 1),
            "questions": len(queries), "runs_per_question": 3, "cases": rows}


def main() -> None:
    """Build the stores, measure, write bench/out/scopes/results.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=100)
    parser.add_argument("--per-server", type=int, default=1000)
    parser.add_argument("--shared", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the store")
    parser.add_argument("--quick", action="store_true", help="5 servers of 100 chunks, 100 shared, 5 questions")
    args = parser.parse_args()
    if args.quick:
        args.servers, args.per_server, args.shared, args.questions = 5, 100, 100, 5
    out = out_dir("scopes", args.quick)
    embedder = OnnxMiniLMEmbedder(cache_dir=ROOT / "bench" / "out" / "models")
    home = Path(tempfile.mkdtemp(prefix="newsbot-scopes-"))
    result = measure(args, embedder, build(args, embedder, home))
    (out / "results.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    if args.keep:
        print(f"store kept in {home}", file=sys.stderr)
    else:
        shutil.rmtree(home, ignore_errors=True)


def scoped(query, scopes):
    """The query limited to `scopes`."""
    return replace(query, scopes=scopes)


if __name__ == "__main__":
    main()
