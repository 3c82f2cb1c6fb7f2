"""newsbot against the plain llama-index recipe on RealTime QA, in one run on one machine.

    python bench/retrieval_vs_peer.py [--weeks W,...] [--out bench/out/compare.json]

Runs `newsbot eval` in a fresh NEWSBOT_HOME (so index time is a first run), then the same `newsbot eval`
again (an unchanged corpus: the incremental re-index time), then bench/peer_llamaindex.py, and prints a
Markdown table of both systems' metrics with the machine described.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "realtimeqa-2025q1"
METRICS = ("answerable", "recall@2000c", "recall@4000c", "recall@8000c", "hit@1", "hit@5", "hit@10", "mrr@10",
           "mean_passage_chars", "answer_accuracy", "index_seconds", "query_p50_ms", "query_p95_ms")


def machine() -> str:
    """Cores and CPU model, for the table's caption."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def run_json(command: list[str], env: dict[str, str]) -> dict:
    """Run a command that prints JSON on stdout; stderr passes through."""
    print("$", " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def cell(value) -> str:
    """A metric formatted for the table."""
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) and value < 10 else f"{value:.0f}" if isinstance(value, float) else str(value)


def main() -> int:
    """Run both systems and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", default="")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "compare.json")
    args = parser.parse_args()
    data = ["--articles", str(DATA / "articles.jsonl"), "--questions", str(DATA / "questions.jsonl")]
    weeks = ["--weeks", args.weeks] if args.weeks else []
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as home:
        env = dict(os.environ, NEWSBOT_HOME=home)
        ours = run_json([sys.executable, "-m", "bot.cli", "eval", *data, *weeks, "--json"], env)
        again = run_json([sys.executable, "-m", "bot.cli", "eval", *data, *weeks, "--json"], env)
    peer = run_json([sys.executable, "bench/peer_llamaindex.py", *data, *weeks, "--json"], dict(os.environ))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"newsbot": ours, "newsbot_rerun": again, "peer": peer, "machine": machine()}, indent=2))
    print(f"Machine: {machine()}; weeks: {args.weeks or 'all 13'}\n")
    print("| metric | newsbot | llama-index recipe | newsbot − recipe |\n|---|---|---|---|")
    for key in METRICS:
        a, b = ours.get(key), peer.get(key)
        diff = f"{a - b:+.3f}" if isinstance(a, float) and isinstance(b, float) and key.startswith(("recall", "hit", "mrr")) else ""
        print(f"| {key} | {cell(a)} | {cell(b)} | {diff} |")
    ratio = again["index_seconds"] / ours["index_seconds"]
    print(f"\nRe-index of the unchanged corpus: {again['index_seconds']:.2f} s = {ratio:.1%} of the first run "
          f"({ours['index_seconds']:.0f} s); index time newsbot / recipe = {ours['index_seconds'] / peer['index_seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
