"""newsbot against the plain llama-index recipe on RealTime QA, in one run on one machine.

    python -m bench.retrieval_vs_peer [--weeks W,...] [--out bench/out/compare.json]
    python -m bench.retrieval_vs_peer --split [--home DIR] [--out bench/out/split.json]
    python -m bench.retrieval_vs_peer --quick     # --split on a slice (6 articles of each of two weeks)

Runs `newsbot eval` in a fresh NEWSBOT_HOME (so index time is a first run), then the same `newsbot eval`
again (an unchanged corpus: the incremental re-index time), then bench.peer_llamaindex, and prints a
Markdown table of both systems' metrics with the machine described.

With `--split`: the honest protocol (issue 14). All articles are indexed once; the questions of the odd
weeks (1st, 3rd, … in date order) are the tuning half, those of the even weeks the report half, and all
weeks the third row (index/evaluation/scoring.py `split_weeks`). One `newsbot eval --split` and one
`peer_llamaindex.py --split`, one table. `--home` reuses an index already built there; `--weeks` limits
both to some weeks (a smoke run; the split is then over those weeks).
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

from bench.common import OUT, ROOT, add_common_arguments, data_set, quick_slice

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


SPLIT_METRICS = ("recall@2000c", "recall@4000c", "recall@8000c", "hit@10", "answer_accuracy", "query_p50_ms")


def split_table(ours: dict, peer: dict) -> str:
    """One Markdown table: for each half and the full set, newsbot's row and the recipe's."""
    lines = ["| weeks | answerable | system | " + " | ".join(SPLIT_METRICS) + " |",
             "|---|---|---|" + "---|" * len(SPLIT_METRICS)]
    for name in ("tune", "report", "all"):
        for system, rows in (("newsbot", ours), ("llama-index recipe", peer)):
            row = rows[name]
            label = f"{name} ({len(row['weeks'])})"
            lines.append(f"| {label} | {row['answerable']} | {system} | "
                         + " | ".join(cell(row.get(key)) for key in SPLIT_METRICS) + " |")
    return "\n".join(lines)


def main_split(args: argparse.Namespace, data: list[str], weeks: list[str]) -> int:
    """The three-row comparison (tune, report, all weeks) of newsbot and the recipe, one index each."""
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as temporary:
        env = dict(os.environ, NEWSBOT_HOME=str(args.home or temporary))
        ours = run_json([sys.executable, "-m", "bot.cli", "eval", *data, *weeks, "--split", "--json"], env)
    if args.peer_json:  # the recipe's rows from an earlier `peer_llamaindex.py --split --json` run
        peer = json.loads(args.peer_json.read_text())
    else:
        peer = run_json([sys.executable, "-m", "bench.peer_llamaindex", *data, *weeks, "--split", "--json"],
                        dict(os.environ))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"newsbot": ours, "peer": peer, "machine": machine()}, indent=2))
    print(f"Machine: {machine()}; tune weeks {','.join(ours['tune']['weeks'])}; "
          f"report weeks {','.join(ours['report']['weeks'])}\n")
    print(split_table(ours, peer))
    return 0


def main() -> int:
    """Run both systems and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--weeks", default="")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--split", action="store_true", help="tune / report / all rows (issue 14's protocol)")
    parser.add_argument("--home", type=Path, default=None, help="with --split: a NEWSBOT_HOME to (re)use")
    parser.add_argument("--peer-json", type=Path, default=None,
                        help="with --split: reuse the recipe's rows from `peer_llamaindex.py --split --json`")
    args = parser.parse_args()
    if args.quick:
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as scratch:
            chosen = quick_slice(data_set(args.data), Path(scratch) / "data")
            data = ["--articles", str(chosen.articles), "--questions", str(chosen.questions)]
            args.out, args.split = OUT / "retrieval_vs_peer-quick" / "split.json", True
            return main_split(args, data, [])
    chosen = data_set(args.data)
    data = ["--articles", str(chosen.articles), "--questions", str(chosen.questions)]
    args.out = args.out or OUT / ("split.json" if args.split else "compare.json")
    weeks = ["--weeks", args.weeks] if args.weeks else []
    if args.split:
        return main_split(args, data, weeks)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as home:
        env = dict(os.environ, NEWSBOT_HOME=home)
        ours = run_json([sys.executable, "-m", "bot.cli", "eval", *data, *weeks, "--json"], env)
        again = run_json([sys.executable, "-m", "bot.cli", "eval", *data, *weeks, "--json"], env)
    peer = run_json([sys.executable, "-m", "bench.peer_llamaindex", *data, *weeks, "--json"], dict(os.environ))
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
