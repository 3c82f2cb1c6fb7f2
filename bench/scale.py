"""Issue 5's benchmark in one command: indexing throughput against the model alone and the machine's limit,
incremental re-indexing, query latency and memory at growing corpus sizes (embedded Chroma and a
`chroma run` server), cold start, the plain llama-index recipe in the same run, a profile, and a plot.

    python bench/scale.py                      # everything, ~40 min on 2 cores; results in bench/out/scale/
    python bench/scale.py --quick              # a small smoke run (2 tiers, few questions), ~5 min

What it does, in order (one fresh NEWSBOT_HOME for the embedded store, one for the server's side):
 1. describes the machine and measures the fp32 matrix-product rate on the model's shapes (the limit);
 2. grows one index through newsbot's real pipeline (`Indexer.index`: chunking, docstore, embedding,
    Chroma writes) over the articles in file order, to >= 1k chunks, >= 10k, then all 1,662 articles;
    the 1k -> 10k step is the throughput sample: every batch the pipeline sent to the model is recorded
    and then replayed on the bare model, so the pipeline's overhead is the gap;
 3. re-indexes the unchanged corpus, then with one article changed (incremental);
 4. scores Recall@4000c on the 191 answerable questions (the same code as `newsbot eval`);
 5. adds a mirror of every article (a second source with the same texts, as syndicated copies would be)
    to pass 50k chunks; its vectors come from the recorded ones (same text, same vector), so the model
    is not run again -- what grows is everything a query touches (HNSW graph, BM25 index, metadata);
 6. at each size, a fresh process (the bot's process, minus Discord) opens the index, answers one
    question (cold start), then times `search` and an offline `ask` warm, and reports its peak RSS; the
    same against a `chroma run` server on 127.0.0.1 holding the same chunks;
 7. runs the plain llama-index recipe on the full corpus in a child process (bench/peer_llamaindex.py);
 8. profiles a warm offline `ask` at the largest size (cProfile) and draws latency against size.

Times on this shared 2-core machine are noisy: the report gives ratios measured within this run.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from peer_llamaindex import peak_rss_mb  # noqa: E402  (one definition, VmHWM)

DATA = Path(os.environ.get("NEWSBOT_BENCH_DATA", ROOT.parent / "shared" / "data" / "realtimeqa-2025q1"))
OUT = ROOT / "bench" / "out" / "scale"
SOURCE = "eval"  # the source name `newsbot eval` uses, so run_eval sees this index as already built
MIRROR = "eval-mirror"

# all-MiniLM-L6-v2 (config.json): 6 layers, hidden 384, intermediate 1536.
LAYERS, HIDDEN, INTER = 6, 384, 1536


# ------------------------------------------------------------------------------------------ the limit


def flops_per_token(seq_len: int) -> float:
    """Dense FLOPs for one token of a `seq_len`-token sequence (multiply-add = 2): per layer the Q, K, V and
    output projections (4 H^2), the FFN (2 H I), and attention scores and mixing (2 * seq_len * H)."""
    return LAYERS * 2 * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * INTER + 2 * seq_len * HIDDEN)


def useful_flops(lengths: Sequence[int]) -> float:
    """FLOPs of the real (unpadded) tokens of sequences of these lengths ([CLS]/[SEP] included)."""
    return float(sum(n * flops_per_token(n) for n in lengths))


def matmul_rate(rows: int = 4096, reps: int = 5) -> float:
    """Best measured fp32 GFLOP/s of numpy matrix products on the model's shapes, all cores."""
    rng = np.random.default_rng(0)
    best = 0.0
    for m, k, n in [(rows, HIDDEN, INTER), (rows, INTER, HIDDEN), (rows, HIDDEN, HIDDEN)]:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        a @ b
        for _ in range(reps):
            t = time.perf_counter()
            a @ b
            best = max(best, 2.0 * m * k * n / (time.perf_counter() - t) / 1e9)
    return best


def machine() -> dict:
    """What this ran on: CPU model, cores, memory, versions, load."""
    cpu = ""
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            if line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    mem = ""
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except OSError:
        pass
    import chromadb
    import onnxruntime

    return {
        "cpu": cpu or platform.processor(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "simd": sorted(f for f in flags if f.startswith(("avx512f", "avx512_vnni", "amx_int8", "avx2"))),
        "memory": mem,
        "python": platform.python_version(),
        "onnxruntime": onnxruntime.__version__,
        "chromadb": chromadb.__version__,
        "load_average": os.getloadavg(),
    }


# ------------------------------------------------------------------------------------------ embedders


class RecordingEmbedder:
    """Wraps the real embedder: records each batch the pipeline sends, the time spent in the model, and
    every text's vector (so later copies of the same text need no model run)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dimensions, self.max_tokens = inner.name, inner.dimensions, inner.max_tokens
        self.batches: list[list[str]] = []
        self.model_seconds = 0.0
        self.vectors: dict[str, np.ndarray] = {}
        self.recording = False
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        known = [self.vectors.get(t) for t in texts]
        if texts and all(v is not None for v in known):
            return np.stack(known)
        started = time.perf_counter()
        vectors = self.inner.embed(texts)
        self.model_seconds += time.perf_counter() - started
        self.misses += len(texts)
        if self.recording:
            self.batches.append(list(texts))
        self.vectors.update(zip(texts, vectors))
        return vectors

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def tokenize(self, text: str) -> list[str]:
        return self.inner.tokenize(text)


# ------------------------------------------------------------------------------------------ corpus


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
    from index.readers import article_from_row

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


# ------------------------------------------------------------------------------------------ queries


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def query_child(args: argparse.Namespace) -> None:
    """Run in a fresh process: cold first answer, then warm search/ask timings; print one JSON line."""
    began = time.perf_counter()
    from index.app import build_service
    from index.settings import Settings

    service = build_service(Settings())
    imported = time.perf_counter()
    first = service.ask("What did Putin agree to?")
    cold = {"build_service_s": imported - began, "first_ask_s": time.perf_counter() - imported,
            "first_answer_refused": first.refused}
    print("FIRST", flush=True)
    questions = [q["question"] for q in load_rows(Path(args.questions))][: args.questions_n]
    for q in questions[:10]:  # warm: caches, BM25 snapshot, ONNX arenas
        service.search(q, k=10)
        service.ask(q)
    search_ms, ask_ms, answered_ms = [], [], []
    for q in questions:
        t = time.perf_counter()
        service.search(q, k=10)
        search_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answer = service.ask(q)
        ask_ms.append((time.perf_counter() - t) * 1000)
        if not answer.refused:  # a refusal skips the sentence scoring, so answered ones are reported apart
            answered_ms.append(ask_ms[-1])
    profile_text = None
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for q in questions[:60]:
            service.ask(q)
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).strip_dirs()
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        profile_text = buf.getvalue()
    print(json.dumps({
        "cold": cold, "questions": len(questions),
        "search_ms": {"p50": percentile(search_ms, 50), "p95": percentile(search_ms, 95)},
        "ask_ms": {"p50": percentile(ask_ms, 50), "p95": percentile(ask_ms, 95)},
        "answered_ask_ms": {"p50": percentile(answered_ms, 50), "p95": percentile(answered_ms, 95),
                            "share": len(answered_ms) / max(len(ask_ms), 1)},
        "peak_rss_mb": peak_rss_mb(),
        "profile": profile_text,
    }), flush=True)


def run_query_child(home: Path, questions: Path, n: int, chroma: tuple[str, int] | None,
                    profile: bool = False) -> dict:
    """Start the query process, time process start -> first answer, return its report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    env["NEWSBOT_HOME"] = str(home)
    if chroma:
        env["NEWSBOT_CHROMA_HOST"], env["NEWSBOT_CHROMA_PORT"] = chroma[0], str(chroma[1])
    cmd = [sys.executable, str(Path(__file__).resolve()), "_query", "--questions", str(questions),
           "--questions-n", str(n)] + (["--profile"] if profile else [])
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    first_line = proc.stdout.readline()
    cold_s = time.perf_counter() - started
    rest, err = proc.communicate()
    if proc.returncode != 0 or not first_line.startswith("FIRST"):
        raise RuntimeError(f"query process failed ({proc.returncode}): {err[-3000:]}")
    report = json.loads(rest.strip().splitlines()[-1])
    report["cold"]["process_start_to_first_answer_s"] = cold_s
    return report


# ------------------------------------------------------------------------------------------ chroma server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(path: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    log = (path.parent / "chroma-server.log").open("wb")
    proc = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma run did not start")


# ------------------------------------------------------------------------------------------ the run


def throughput(recorder: RecordingEmbedder, pipeline_s: float, chunks: int, limit: float) -> dict:
    """Pipeline vs model alone on the recorded batches, both against the limit."""
    from index.embedding_onnx import OnnxMiniLMEmbedder

    bare = recorder.inner
    lengths = [len(r) for b in recorder.batches for r in bare.encode_ids(b)]
    tokens = sum(lengths)
    flops = useful_flops(lengths)
    t = time.perf_counter()
    for batch in recorder.batches:  # the same batches, in the same order, on the bare model
        bare.embed(batch)
    model_s = time.perf_counter() - t
    # the graph as shipped, on a sample of the same batches (what the derived graph is compared with)
    sample = recorder.batches[: max(1, len(recorder.batches) // 4)]
    sample_lengths = [len(r) for b in sample for r in bare.encode_ids(b)]
    shipped = OnnxMiniLMEmbedder(intra_op_threads=bare.intra_op_threads)
    shipped.embed(["warm up"])
    bare.embed(["warm up"])
    t = time.perf_counter()
    for batch in sample:
        shipped.embed(batch)
    shipped_s = time.perf_counter() - t
    t = time.perf_counter()
    for batch in sample:
        bare.embed(batch)
    derived_sample_s = time.perf_counter() - t
    from index.embedding import MiniLMEmbedder

    st = MiniLMEmbedder()  # the straightforward sentence-transformers run (torch fp32, encode in batches)
    st.embed(["warm up"])
    t = time.perf_counter()
    for batch in sample:
        st.embed(batch)
    st_sample_s = time.perf_counter() - t
    int8 = OnnxMiniLMEmbedder(intra_op_threads=bare.intra_op_threads, cache_dir=bare.cache_dir, quantize=True)
    int8.embed(["warm up"])
    t = time.perf_counter()
    for batch in sample:
        int8.embed(batch)
    int8_sample_s = time.perf_counter() - t
    return {
        "chunks": chunks, "tokens": tokens, "mean_tokens_per_chunk": tokens / max(chunks, 1),
        "useful_gflop": flops / 1e9, "limit_gflops": limit,
        "pipeline": {"seconds": pipeline_s, "chunks_per_s": chunks / pipeline_s, "tokens_per_s": tokens / pipeline_s,
                     "of_limit": flops / pipeline_s / 1e9 / limit,
                     "model_share_of_pipeline_time": recorder.model_seconds / pipeline_s},
        "model_alone": {"seconds": model_s, "chunks_per_s": chunks / model_s, "tokens_per_s": tokens / model_s,
                        "of_limit": flops / model_s / 1e9 / limit},
        "pipeline_over_model_time": pipeline_s / model_s,
        "shipped_graph_sample": {"texts": sum(len(b) for b in sample),
                                 "derived_speedup": shipped_s / derived_sample_s,
                                 "shipped_of_limit": useful_flops(sample_lengths) / shipped_s / 1e9 / limit,
                                 "derived_of_limit": useful_flops(sample_lengths) / derived_sample_s / 1e9 / limit,
                                 "int8_speedup_over_derived": derived_sample_s / int8_sample_s,
                                 "sentence_transformers_of_limit": useful_flops(sample_lengths) / st_sample_s / 1e9 / limit,
                                 "derived_speedup_over_sentence_transformers": st_sample_s / derived_sample_s,
                                 "int8_of_fp32_limit": useful_flops(sample_lengths) / int8_sample_s / 1e9 / limit},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "incremental", "_query", "plot"],
                        help="run: everything; incremental: only the re-index measurements, on the full "
                             "corpus kept in --work by an earlier run; plot: redraw from results.json")
    parser.add_argument("--articles", type=Path, default=DATA / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=DATA / "questions.jsonl")
    parser.add_argument("--questions-n", type=int, default=120, help="questions timed per size")
    parser.add_argument("--tiers", default="1000,10000", help="chunk counts to stop at before the full corpus")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run of every step on the first 120 articles (tiers 300 and 800 chunks)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default: bench/out/scale, "
                        "bench/out/scale-quick with --quick)")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    if args.mode == "_query":
        query_child(args)
        return 0
    out = args.out or (OUT.with_name("scale-quick") if args.quick else OUT)
    if args.mode == "plot":
        plot(json.loads((out / "results.json").read_text()), out / "latency_vs_size.png")
        return 0
    if args.mode == "incremental":
        return incremental_only(args, out)
    return run(args, out)


def incremental_only(args: argparse.Namespace, out: Path) -> int:
    """Re-run the incremental measurements on the index an earlier full run left in --work."""
    from index.app import build_service
    from index.settings import Settings

    if args.work is None or not (args.work / "home").is_dir():
        raise SystemExit("incremental needs --work DIR from an earlier `bench/scale.py --work DIR`")
    first = json.loads((out / "results.json").read_text())["first_run_seconds"]
    for k in [k for k in os.environ if k.startswith(("OPENAI_", "NEWSBOT_"))]:
        del os.environ[k]
    service = build_service(Settings(home=args.work / "home"))
    rows = load_rows(args.articles)
    service.indexer.drop_source(MIRROR)
    index_rows(service, SOURCE, rows)  # back to the corpus alone, BM25 index ready
    result = {"machine": machine(), "incremental": incremental(service, rows, first)}
    (out / "incremental.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, out: Path) -> int:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from index.app import build_service
    from index.embedding_onnx import OnnxMiniLMEmbedder
    from index.eval_run import run_eval
    from index.settings import Settings

    out.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    home, server_home = work / "home", work / "server-home"
    results: dict = {"machine": machine(), "tiers": [], "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    limits = [matmul_rate()]
    log(f"machine: {results['machine']}, matmul {limits[0]:.0f} GFLOP/s")

    rows = load_rows(args.articles)[: 120 if args.quick else None]
    corpus_file = args.articles
    if args.quick:  # the scorers and the peer read a file: give them the same slice
        corpus_file = work / "articles.jsonl"
        corpus_file.parent.mkdir(parents=True, exist_ok=True)
        corpus_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    tiers = [300, 800] if args.quick else [int(t) for t in args.tiers.split(",")]
    n_questions = 20 if args.quick else args.questions_n

    env_settings = {k: v for k, v in os.environ.items() if k.startswith(("OPENAI_", "NEWSBOT_"))}
    for k in env_settings:
        del os.environ[k]
    settings = Settings(home=home)
    model = OnnxMiniLMEmbedder(cache_dir=settings.models_dir)
    model.embed(["warm up"])  # derive + load the model before any timing
    recorder = RecordingEmbedder(model)
    service = build_service(settings, embedder=recorder)

    server_proc, port = start_chroma(work / "chroma-server")
    server_settings = Settings(home=server_home, chroma_host="127.0.0.1", chroma_port=port)
    server = build_service(server_settings, embedder=recorder)  # vectors come from the recorder
    # the server side's query processes use the same derived model file, not one derived on their first run
    shutil.copytree(settings.models_dir, server_settings.models_dir, dirs_exist_ok=True)
    try:
        prefix, first_run_s = 0, 0.0
        sizes: list[tuple[str, list[tuple[str, list[dict]]]]] = []
        for i, target in enumerate(tiers):
            started = time.perf_counter()
            recorder.recording = i == 1  # the second step (1k -> 10k) is the throughput sample
            model_before = recorder.model_seconds
            before = chunk_count(service) if prefix else 0
            prefix = grow_to(service, rows, target, max(prefix, 1) if prefix else max(1, target // 17))
            step_s = time.perf_counter() - started
            first_run_s += step_s
            log(f"tier {target}: {prefix} articles, {chunk_count(service)} chunks, {step_s:.0f} s")
            if recorder.recording:
                recorder.recording = False
                saved = recorder.model_seconds
                recorder.model_seconds -= model_before
                results["throughput"] = throughput(recorder, step_s, chunk_count(service) - before,
                                                   limit=max(limits))
                recorder.model_seconds = saved
                recorder.batches.clear()
                log(f"throughput: {json.dumps(results['throughput'])}")
            sizes.append((f">={target}", [(SOURCE, rows[:prefix])]))
            measure_tier(results, service, server, sizes[-1], home, server_home, port, args, n_questions)

        started = time.perf_counter()
        index_rows(service, SOURCE, rows)
        first_run_s += time.perf_counter() - started
        log(f"full corpus: {chunk_count(service)} chunks, first run total {first_run_s:.0f} s")
        results["first_run_seconds"] = first_run_s
        texts = list(recorder.vectors)  # every text the model embedded in the first run (title + chunk)
        results["corpus_tokens"] = sum(len(ids) for ids in model.encode_ids(texts))
        results["incremental"] = incremental(service, rows, first_run_s)
        log(f"incremental: {results['incremental']}")
        scores = run_eval(service, corpus_file, args.questions, None)
        results["quality"] = {k: scores[k] for k in ("answerable", "recall@2000c", "recall@4000c",
                                                     "recall@8000c", "hit@10", "mean_passage_chars")
                              if k in scores}
        results["quality"]["unchanged_reindex_seconds"] = scores.get("index_seconds")
        sizes.append(("full", [(SOURCE, rows)]))
        measure_tier(results, service, server, sizes[-1], home, server_home, port, args, n_questions)
        misses = recorder.misses
        sizes.append(("full+mirror", [(SOURCE, rows), (MIRROR, mirror_rows(rows))]))
        measure_tier(results, service, server, sizes[-1], home, server_home, port, args, n_questions,
                     profile=True)
        results["mirror_model_runs"] = recorder.misses - misses
        if not args.no_peer:
            results["peer"] = run_peer_child(settings.models_dir, corpus_file)
            log(f"peer: {results['peer']}")
        limits.append(matmul_rate())
        results["limit_gflops"] = {"start": limits[0], "end": limits[-1]}
        results["machine"]["load_average_end"] = os.getloadavg()
    finally:
        server_proc.terminate()
        server_proc.wait(30)
        os.environ.update(env_settings)
    profile = results.pop("profile", None)
    if profile:
        (out / "profile_ask.txt").write_text(profile)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    plot(results, out / "latency_vs_size.png")
    (out / "report.md").write_text(report(results))
    print(report(results))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def measure_tier(results: dict, service, server, size, home: Path, server_home: Path, port: int,
                 args: argparse.Namespace, n_questions: int, profile: bool = False) -> None:
    """Bring both stores to this size, then time queries on each from a fresh process."""
    label, sources = size
    for source, rows in sources:
        index_rows(service, source, rows)
        index_rows(server, source, rows)
    tier = {"label": label, "articles": sum(len(r) for _, r in sources), "chunks": chunk_count(service),
            "server_chunks": chunk_count(server)}
    tier["embedded"] = run_query_child(home, args.questions, n_questions, None, profile=profile)
    tier["server"] = run_query_child(server_home, args.questions, n_questions, ("127.0.0.1", port))
    if tier["embedded"].get("profile"):
        results["profile"] = tier["embedded"].pop("profile")
    tier["server"].pop("profile", None)
    tier["embedded"].pop("profile", None)
    results["tiers"].append(tier)
    log(f"tier {label}: {json.dumps(tier)}")


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


def run_peer_child(models_dir: Path, articles: Path) -> dict:
    """The llama-index recipe on the same corpus in its own process (its own peak RSS)."""
    cmd = [sys.executable, str(ROOT / "bench" / "peer_llamaindex.py"), "--json", "--models-dir", str(models_dir),
           "--articles", str(articles)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"peer failed: {proc.stderr[-3000:]}")
    scores = json.loads(proc.stdout)
    keep = ("answerable", "recall@2000c", "recall@4000c", "recall@8000c", "hit@10", "mean_passage_chars",
            "index_seconds", "query_p50_ms", "query_p95_ms", "chunks", "tokens_embedded", "peak_rss_mb")
    return {k: scores[k] for k in keep if k in scores}


# ------------------------------------------------------------------------------------------ output


def plot(results: dict, path: Path) -> None:
    """Latency (p50 and p95 of search and offline ask, embedded and server) against chunks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tiers = results["tiers"]
    xs = [t["chunks"] for t in tiers]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode, style in (("embedded", "-"), ("server", "--")):
        for what, color in (("search_ms", "tab:blue"), ("ask_ms", "tab:orange"), ("answered_ask_ms", "tab:red")):
            if what not in tiers[0][mode]:
                continue
            name = what[:-3].replace("_", " ")
            ax.plot(xs, [t[mode][what]["p50"] for t in tiers], style, marker="o", color=color,
                    label=f"{name} p50 ({mode})")
            ax.plot(xs, [t[mode][what]["p95"] for t in tiers], style, marker="x", color=color, alpha=0.45,
                    label=f"{name} p95 ({mode})")
        ax2.plot(xs, [t[mode]["peak_rss_mb"] for t in tiers], style, marker="o", color="tab:green",
                 label=f"peak RSS ({mode})")
    ax.axhline(100, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("ms per query (warm)")
    ax.set_title("newsbot query latency against corpus size")
    ax.legend(fontsize=7)
    ax2.set_xscale("log")
    ax2.set_xlabel("chunks in the index")
    ax2.set_ylabel("MiB")
    ax2.set_title("peak RSS of the query process")
    ax2.legend(fontsize=7)
    m = results["machine"]
    fig.suptitle(f"{m['cpu']}, {m['cores_usable']} cores; {results.get('started', '')}", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def report(r: dict) -> str:
    """The markdown tables for BENCHMARKS.md."""
    m = r["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores_usable']} usable cores ({', '.join(m['simd'])}), {m['memory']}, "
             f"Python {m['python']}, onnxruntime {m['onnxruntime']}, chromadb {m['chromadb']}; load average "
             f"{m['load_average'][0]:.1f} at start, {m.get('load_average_end', [float('nan')])[0]:.1f} at end; "
             f"fp32 matmul limit {r.get('limit_gflops', {}).get('start', 0):.0f} / "
             f"{r.get('limit_gflops', {}).get('end', 0):.0f} GFLOP/s (start / end).", ""]
    if "throughput" in r:
        t = r["throughput"]
        lines += ["| indexing (same batches) | chunks/s | tokens/s | share of the fp32 limit |", "|---|---|---|---|",
                  f"| newsbot pipeline (chunk, embed, store) | {t['pipeline']['chunks_per_s']:.1f} | "
                  f"{t['pipeline']['tokens_per_s']:.0f} | {t['pipeline']['of_limit']:.2f} |",
                  f"| model alone, derived graph | {t['model_alone']['chunks_per_s']:.1f} | "
                  f"{t['model_alone']['tokens_per_s']:.0f} | {t['model_alone']['of_limit']:.2f} |", "",
                  f"{t['chunks']} chunks, {t['tokens']} tokens ({t['mean_tokens_per_chunk']:.0f} per chunk); "
                  f"pipeline time / model time = {t['pipeline_over_model_time']:.2f}; model share of pipeline "
                  f"time {t['pipeline']['model_share_of_pipeline_time']:.2f}. On a quarter of the same batches "
                  f"the derived graph ran {t['shipped_graph_sample']['derived_speedup']:.2f}x the shipped "
                  f"graph ({t['shipped_graph_sample']['shipped_of_limit']:.2f} -> "
                  f"{t['shipped_graph_sample']['derived_of_limit']:.2f} of the limit); sentence-transformers "
                  f"(torch fp32) reached {t['shipped_graph_sample']['sentence_transformers_of_limit']:.2f} of the "
                  f"limit, the derived graph ran "
                  f"{t['shipped_graph_sample']['derived_speedup_over_sentence_transformers']:.2f}x it; the opt-in int8 variant "
                  f"ran {t['shipped_graph_sample']['int8_speedup_over_derived']:.2f}x the derived graph "
                  f"({t['shipped_graph_sample']['int8_of_fp32_limit']:.2f} of the fp32 limit).", ""]
    if "incremental" in r:
        inc = r["incremental"]
        u, c = inc["unchanged"], inc["one_article_changed"]
        lines += ["| re-index | seconds | chunks embedded | of the first run |", "|---|---|---|---|",
                  f"| first run (all {inc['chunks']} chunks) | {inc['first_run_seconds']:.0f} | {inc['chunks']} | 1 |",
                  f"| unchanged corpus | {u['seconds']:.2f} | {u['chunks_embedded']} | {u['of_first_run']:.4f} |",
                  f"| one article changed ({c['article_chars']} chars) | {c['seconds']:.2f} | {c['chunks_embedded']} "
                  f"| {c['of_first_run']:.4f} |", "",
                  f"One changed article: {c['seconds']:.2f} s = the unchanged scan ({u['seconds']:.2f} s) + "
                  f"{c['seconds'] - u['seconds']:.2f} s for {c['chunks_embedded']} chunks; the first run spent "
                  f"{c['first_run_time_for_that_many_chunks']:.2f} s per that many chunks.", ""]
    for mode in ("embedded", "server"):
        lines += [f"{'Embedded Chroma (PersistentClient)' if mode == 'embedded' else 'Chroma server (chroma run on 127.0.0.1)'}, "
                  f"warm, {r['tiers'][0][mode]['questions']} questions per size:", "",
                  "| size | chunks | search p50 / p95 ms | offline ask p50 / p95 ms | answered asks: share, p50 / p95 ms "
                  "| peak RSS MiB | cold start: process start to first answer, s |", "|---|---|---|---|---|---|---|"]
        for t in r["tiers"]:
            e = t[mode]
            a = e.get("answered_ask_ms", {"share": float("nan"), "p50": float("nan"), "p95": float("nan")})
            lines.append(
                f"| {t['label']} | {t['chunks']} | {e['search_ms']['p50']:.0f} / {e['search_ms']['p95']:.0f} | "
                f"{e['ask_ms']['p50']:.0f} / {e['ask_ms']['p95']:.0f} | {a['share']:.2f}, {a['p50']:.0f} / "
                f"{a['p95']:.0f} | {e['peak_rss_mb']:.0f} | {e['cold']['process_start_to_first_answer_s']:.2f} |")
        lines.append("")
    if "peer" in r and "quality" in r:
        p, q = r["peer"], r["quality"]
        lines += ["| full corpus, same run | newsbot | llama-index recipe |", "|---|---|---|",
                  f"| Recall@4000c ({q.get('answerable')} answerable) | {q['recall@4000c']:.3f} | {p['recall@4000c']:.3f} |",
                  f"| Recall@2000c / @8000c | {q['recall@2000c']:.3f} / {q['recall@8000c']:.3f} | "
                  f"{p['recall@2000c']:.3f} / {p['recall@8000c']:.3f} |",
                  f"| index seconds, first run (ratio to the recipe) | {r['first_run_seconds']:.0f} "
                  f"({r['first_run_seconds'] / p['index_seconds']:.2f}) | {p['index_seconds']:.0f} (1) |",
                  f"| chunks | {r['incremental']['chunks']} | {p.get('chunks', '?')} |",
                  f"| tokens embedded, tokens/s of the first run | {r.get('corpus_tokens', 0)}, "
                  f"{r.get('corpus_tokens', 0) / r['first_run_seconds']:.0f} | {p.get('tokens_embedded', 0)}, "
                  f"{p.get('tokens_embedded', 0) / p['index_seconds']:.0f} |",
                  f"| retrieval p50 / p95 ms (newsbot: `search`) | "
                  f"{next(t for t in r['tiers'] if t['label'] == 'full')['embedded']['search_ms']['p50']:.0f} / "
                  f"{next(t for t in r['tiers'] if t['label'] == 'full')['embedded']['search_ms']['p95']:.0f} | "
                  f"{p['query_p50_ms']:.0f} / {p['query_p95_ms']:.0f} |",
                  f"| peak RSS MiB (indexing process) | – | {p.get('peak_rss_mb', 0):.0f} |", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
