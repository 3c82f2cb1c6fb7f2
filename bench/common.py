"""What every benchmark shares: the data set, a service on it, the tune/report halves, Recall@C rows,
timing as ratios, and the small slice a `--quick` run uses.

Run the benchmarks from the repository's root as modules (`python -m bench.scale`), so that `index`,
`bot` and `bench` import as packages and no script edits `sys.path`. The benches reach newsbot only
through its public API (`index.app.build_service`, the service's public methods and attributes,
`index.evaluation`): a name starting with `_` is private and never used here (tests/bench/test_quick.py
checks it).

- The data: the RealTime QA 2025-Q1 set, `../shared/data/realtimeqa-2025q1` beside the repository (or
  beside a folder above it), or `--data DIR` / `NEWSBOT_BENCH_DATA` (a folder holding `articles.jsonl`
  and `questions.jsonl`).
- The halves: the weeks in date order, the 1st, 3rd, … are **tune** (choose there), the 2nd, 4th, …
  **report** (read only to keep or drop what tune chose), as `index/evaluation/scoring.py` `split_weeks`.
- Timing: the machine is shared, so a bench reports the ratio of two things measured in the same run,
  alternating them (`alternate`), never a bare number against another run's.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SET = Path("shared") / "data" / "realtimeqa-2025q1"
# beside the repository (../shared/…), or beside a folder that holds it (a git worktree's ../../shared/…)
DEFAULT_DATA = next((p / SET for p in ROOT.parents if (p / SET).is_dir()), ROOT.parent / SET)
QUICK_WEEKS = ("20250103", "20250110")  # one tune week, one report week
QUICK_ARTICLES = 6  # articles of each quick week (file order): 5 questions of the report week answerable
RECALL_CHARS = (2000, 4000, 8000)
ROW_COLUMNS = ("recall@2000c", "recall@4000c", "recall@8000c", "hit@10", "answer_accuracy")


@dataclass(frozen=True)
class DataSet:
    """A RealTime QA folder: `articles.jsonl` and `questions.jsonl`."""

    folder: Path

    @property
    def articles(self) -> Path:
        return self.folder / "articles.jsonl"

    @property
    def questions(self) -> Path:
        return self.folder / "questions.jsonl"


def data_set(folder: Path | str | None = None) -> DataSet:
    """The data set: `folder`, else NEWSBOT_BENCH_DATA, else ../shared/data/realtimeqa-2025q1."""
    return DataSet(Path(folder or os.environ.get("NEWSBOT_BENCH_DATA") or DEFAULT_DATA))


def add_common_arguments(parser: argparse.ArgumentParser, home: bool = False) -> None:
    """`--data`, `--quick` (and `--home`, the NEWSBOT_HOME of an index `newsbot eval` built)."""
    parser.add_argument("--data", type=Path, default=None,
                        help="a RealTime QA folder (default: NEWSBOT_BENCH_DATA or ../shared/data/realtimeqa-2025q1)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run on a slice ({QUICK_ARTICLES} articles of weeks {', '.join(QUICK_WEEKS)})")
    if home:
        parser.add_argument("--home", type=Path, default=None,
                            help="NEWSBOT_HOME in which `newsbot eval` indexed the set (default: a fresh index)")


def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a .jsonl file."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    """Write rows as a .jsonl file (its folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def quick_slice(source: DataSet, folder: Path, weeks: Sequence[str] = QUICK_WEEKS,
                per_week: int = QUICK_ARTICLES) -> DataSet:
    """A small data set in `folder`: the first `per_week` articles of each of `weeks`, and those weeks'
    questions (the halves of a slice are its own odd and even weeks)."""
    articles = read_jsonl(source.articles)
    rows = [row for week in weeks for row in [r for r in articles if r.get("week") == week][:per_week]]
    write_jsonl(folder / "articles.jsonl", rows)
    write_jsonl(folder / "questions.jsonl", [q for q in read_jsonl(source.questions) if q.get("week") in weeks])
    return DataSet(folder)


@contextmanager
def clean_environment() -> Iterator[None]:
    """NEWSBOT_* and OPENAI_* variables set aside (a bench states its settings), restored on exit."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(("NEWSBOT_", "OPENAI_"))}
    for name in saved:
        del os.environ[name]
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        yield
    finally:
        os.environ.update(saved)


def open_service(home: Path, **settings):
    """A NewsService on the data folder `home` (the live collection), built as the CLI builds it."""
    from index.app import build_service
    from index.settings import Settings

    return build_service(Settings(home=home, **settings))


def eval_service(home: Path, data: DataSet, weeks: set[str] | None = None, embedder=None):
    """A NewsService on the collection `newsbot eval` builds for `data` (and `weeks`) in `home`."""
    from index.app import build_service
    from index.evaluation.run import eval_collection_name
    from index.settings import Settings

    return build_service(Settings(home=home), embedder=embedder,
                         collection=eval_collection_name(data.articles, weeks))


def build_eval_index(home: Path, data: DataSet, weeks: set[str] | None = None, embedder=None):
    """`eval_service`, with `data` indexed (incrementally, as `newsbot eval` does) and scored once:
    (service, the split rows of `newsbot eval --split`)."""
    from index.evaluation.run import run_eval

    service = eval_service(home, data, weeks, embedder)
    rows = run_eval(service, data.articles, data.questions, weeks, split=True)
    return service, rows


def load_set(data: DataSet, weeks: set[str] | None = None) -> tuple[list[dict], list[dict]]:
    """(article rows, questions) of `data`, restricted to `weeks` when given."""
    from index.evaluation import scoring

    return scoring.load_articles(data.articles, weeks), scoring.load_questions(data.questions, weeks)


def halves(questions: Sequence[dict]) -> dict[str, set[str] | None]:
    """{"tune": odd weeks, "report": even weeks, "all": None} over the questions' weeks."""
    from index.evaluation.scoring import split_weeks

    tune, report = split_weeks(q["week"] for q in questions)
    return {"tune": tune, "report": report, "all": None}


def recall_row(label: str, half: str, scores: dict, columns: Sequence[str] = ROW_COLUMNS) -> str:
    """One markdown row: label, half (answerable questions), then each column (– when absent)."""
    cells = ["–" if scores.get(c) is None else f"{scores[c]:.3f}" for c in columns]
    return f"| {label} | {half} ({scores.get('answerable', '?')}) | " + " | ".join(cells) + " |"


def recall_table(rows: dict[str, dict[str, dict]], columns: Sequence[str] = ROW_COLUMNS) -> str:
    """A markdown table of split scores: {label: {"tune": scores, "report": scores, "all": scores}}."""
    lines = ["| configuration | weeks | " + " | ".join(columns) + " |", "|---|---|" + "---|" * len(columns)]
    for label, split in rows.items():
        lines += [recall_row(label, half, split[half], columns) for half in ("tune", "report", "all") if half in split]
    return "\n".join(lines)


def alternate(variants: dict[str, Callable[[object], object]], items: Sequence[object],
              rounds: int = 1) -> dict[str, dict[str, float]]:
    """Time each variant on every item, alternating variants per item (so load hits them alike), for
    `rounds` passes: {name: {"median_ms", "ratio"}}, the ratio to the first variant's median."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for item in items:
            for name, run in variants.items():
                begun = time.perf_counter()
                run(item)
                times[name].append(1000 * (time.perf_counter() - begun))
    medians = {name: statistics.median(values) if values else math.nan for name, values in times.items()}
    first = next(iter(medians.values()), math.nan)
    return {name: {"median_ms": m, "ratio": m / first if first else math.nan} for name, m in medians.items()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def out_dir(name: str, quick: bool = False) -> Path:
    """bench/out/NAME (bench/out/NAME-quick for a quick run), created."""
    folder = OUT / (f"{name}-quick" if quick else name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    """ROC AUC: the probability that a random positive outscores a random negative (ties count half)."""
    import numpy as np

    p, n = np.asarray(pos, dtype=float)[:, None], np.asarray(neg, dtype=float)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def two_sided(probabilities: list[float], observed: int) -> float:
    """The exact two-sided p-value: the total probability of the outcomes no likelier than `observed`."""
    return min(1.0, sum(p for p in probabilities if p <= probabilities[observed] * (1 + 1e-7)))


def mcnemar_exact(gained: int, lost: int) -> float:
    """McNemar's exact test: `gained` of the `gained + lost` discordant questions, against a fair coin."""
    n = gained + lost
    return two_sided([math.comb(n, k) / 2 ** n for k in range(n + 1)], gained) if n else 1.0


def fisher_exact(table: list[tuple[int, int]]) -> float:
    """Fisher's exact test on a 2 x 2 table [(a, b), (c, d)] (say gained / lost on each half), two-sided."""
    (a, b), (c, d) = table
    row, column, n = a + b, a + c, a + b + c + d
    low, high = max(0, column - (c + d)), min(row, column)
    probabilities = [math.comb(row, k) * math.comb(n - row, column - k) / math.comb(n, column) if low <= k <= high
                     else 0.0 for k in range(high + 1)]
    return two_sided(probabilities, a)
