"""Issue 5's benchmark in one command: indexing throughput against the model alone and the machine's limit,
incremental re-indexing, query latency and memory at growing corpus sizes (embedded Chroma and a
`chroma run` server), cold start, the plain llama-index recipe in the same run, a profile, and a plot.

    python -m bench.scale                      # everything, ~40 min on 2 cores; results in bench/out/scale/
    python -m bench.scale --quick              # a smoke run of every step on 20 articles (query processes
                                               # at the full and mirrored sizes only, one question each;
                                               # the first QUICK_QUESTIONS answerable questions scored)

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
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from bench.common import ROOT


from bench.scale_machine import RecordingEmbedder, log, machine, matmul_rate, throughput
from bench.scale_corpus import DATA, MIRROR, SOURCE, chunk_count, grow_to, incremental, index_rows, load_rows, mirror_rows
from bench.scale_queries import measure_tier, query_child, run_peer_child, start_chroma
from bench.scale_report import plot, report
OUT = ROOT / "bench" / "out" / "scale"
QUICK_ROWS = 20  # articles of a --quick run
QUICK_QUESTIONS = 6  # answerable questions a --quick run scores (of the ~27 its 20 articles answer)


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
                        help=f"smoke run of every step on the first {QUICK_ROWS} articles (tiers 100 and 200 chunks, "
                             "query processes timed at the full and mirrored sizes only, on one question; "
                             f"{QUICK_QUESTIONS} answerable questions scored)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--rerank", choices=["cross-encoder", "none"], default="cross-encoder",
                        help="the query processes' second stage (NEWSBOT_RERANK; default: the product's default)")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default: bench/out/scale, "
                        "bench/out/scale-quick with --quick)")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    if args.mode == "_query":
        query_child(args)
        return 0
    out = args.out or (OUT.with_name("scale-quick") if args.quick else OUT)
    if args.mode == "plot":
        return 0 if draw(json.loads((out / "results.json").read_text()), out) else 1
        return 0
    if args.mode == "incremental":
        return incremental_only(args, out)
    return run(args, out)


def incremental_only(args: argparse.Namespace, out: Path) -> int:
    """Re-run the incremental measurements on the index an earlier full run left in --work."""
    from index.app import build_service
    from index.settings import Settings

    if args.work is None or not (args.work / "home").is_dir():
        raise SystemExit("incremental needs --work DIR from an earlier `python -m bench.scale --work DIR`")
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


def run(args: argparse.Namespace, out: Path) -> int:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from index.app import build_service
    from index.embedding.onnx_minilm import OnnxMiniLMEmbedder
    from index.evaluation.run import run_eval
    from index.evaluation.scoring import answerable
    from index.settings import Settings

    out.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsbot-scale-"))
    home, server_home = work / "home", work / "server-home"
    results: dict = {"machine": machine(), "tiers": [], "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "rerank": args.rerank}
    limits = [matmul_rate()]
    log(f"machine: {results['machine']}, matmul {limits[0]:.0f} GFLOP/s")

    rows = load_rows(args.articles)[: QUICK_ROWS if args.quick else None]
    corpus_file, questions_file = args.articles, args.questions
    if args.quick:  # the scorers and the peer read files: give them the same slice, and a few of its questions
        corpus_file, questions_file = work / "articles.jsonl", work / "questions.jsonl"
        corpus_file.parent.mkdir(parents=True, exist_ok=True)
        corpus_file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        scored = answerable(load_rows(args.questions), rows)[:QUICK_QUESTIONS]
        questions_file.write_text("".join(json.dumps(q) + "\n" for q in scored), encoding="utf-8")
    tiers = [100, 200] if args.quick else [int(t) for t in args.tiers.split(",")]
    n_questions = 1 if args.quick else args.questions_n

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
            if not args.quick:  # a quick run times the query side at the full sizes only (the same measure_tier)
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
        scores = run_eval(service, corpus_file, questions_file, None)
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
    draw(results, out)
    (out / "report.md").write_text(report(results))
    print(report(results))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def draw(results: dict, out: Path) -> bool:
    """The plot next to results.json, or a line saying why there is none."""
    if plot(results, out / "latency_vs_size.png"):
        return True
    print("no plot: matplotlib is not installed (pip install -e \".[bench]\")", file=sys.stderr)
    return False


if __name__ == "__main__":
    sys.exit(main())
