"""bench/scale.py's query side: a fresh process per size that opens the index and times cold start,
`search` and `ask`; a `chroma run` server for the same; the llama-index recipe in a child process."""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.common import ROOT, peak_rss_mb
from bench.scale_corpus import chunk_count, index_rows, load_rows
from bench.scale_machine import log


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
                    profile: bool = False, rerank: str = "cross-encoder") -> dict:
    """Start the query process, time process start -> first answer, return its report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    env["NEWSBOT_HOME"] = str(home)
    env["NEWSBOT_RERANK"] = rerank
    if chroma:
        env["NEWSBOT_CHROMA_HOST"], env["NEWSBOT_CHROMA_PORT"] = chroma[0], str(chroma[1])
    cmd = [sys.executable, "-m", "bench.scale", "_query", "--questions", str(questions),
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


def measure_tier(results: dict, service, server, size, home: Path, server_home: Path, port: int,
                 args: argparse.Namespace, n_questions: int, profile: bool = False) -> None:
    """Bring both stores to this size, then time queries on each from a fresh process."""
    label, sources = size
    for source, rows in sources:
        index_rows(service, source, rows)
        index_rows(server, source, rows)
    tier = {"label": label, "articles": sum(len(r) for _, r in sources), "chunks": chunk_count(service),
            "server_chunks": chunk_count(server)}
    tier["embedded"] = run_query_child(home, args.questions, n_questions, None, profile=profile,
                                       rerank=args.rerank)
    tier["server"] = run_query_child(server_home, args.questions, n_questions, ("127.0.0.1", port),
                                     rerank=args.rerank)
    if tier["embedded"].get("profile"):
        results["profile"] = tier["embedded"].pop("profile")
    tier["server"].pop("profile", None)
    tier["embedded"].pop("profile", None)
    results["tiers"].append(tier)
    log(f"tier {label}: {json.dumps(tier)}")


def run_peer_child(models_dir: Path, articles: Path) -> dict:
    """The llama-index recipe on the same corpus in its own process (its own peak RSS)."""
    cmd = [sys.executable, "-m", "bench.peer_llamaindex", "--json", "--models-dir", str(models_dir),
           "--articles", str(articles)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"peer failed: {proc.stderr[-3000:]}")
    scores = json.loads(proc.stdout)
    keep = ("answerable", "recall@2000c", "recall@4000c", "recall@8000c", "hit@10", "mean_passage_chars",
            "index_seconds", "query_p50_ms", "query_p95_ms", "chunks", "tokens_embedded", "peak_rss_mb")
    return {k: scores[k] for k in keep if k in scores}
