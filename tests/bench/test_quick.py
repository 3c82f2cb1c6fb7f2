"""The benchmarks a user re-runs (bench/README.md): none reaches past newsbot's public names or edits
`sys.path`, and each one's `--quick` run finishes and prints its result, on a small slice of the data."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import data_set

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
HELPERS = {"__init__", "common", "scale_corpus", "scale_machine", "scale_queries", "scale_report", "story_weeks",
           "story_judge", "story_labels", "story_folds",
           "story_tuning"}  # imported, not run
# every kept script's quick command, and a piece of text its output must hold
QUICK: dict[str, tuple[list[str], str]] = {
    "scale": (["--quick", "--no-peer"], "cold start"),
    "peer_llamaindex": (["--quick", "--json"], "recall@4000c"),
    "retrieval_vs_peer": (["--quick"], "recall@4000c"),
    "embed_throughput": (["--quick"], "tokens_per_s_median"),
    "bm25_incremental": (["--quick"], "new_refresh_over_full"),
    "scopes": (["--quick"], "ratio"),
    "soak": (["--quick"], "RSS after"),
    "llm_outage": (["--quick"], "closed port"),
    "injection_guard": (["--quick"], "injections caught"),
    "answer_tuning": (["--quick"], "answer accuracy"),
    "calibrate_support": (["--quick"], "auc_combined"),
    "recency_prior": (["--quick"], "prior 0.5"),
    "eval_llama": (["--quick"], "answer_accuracy"),
    "models": (["speed", "--quick"], "ColBERT token vectors"),
    "stories": (["--quick"], "| precision | recall |"),
    "shards": (["--quick"], "ratio 3 processes / 1"),
    "multilingual": (["--quick"], "worst / en"),
    "answer_languages": (["--quick"], "refused"),
    "story_languages": (["--quick"], "cross-language"),
    "story_models": (["--quick"], "| setting | judge |"),
    "story_llm_judge": (["--quick"], "12/12 pairs read"),  # with the packaged Gemma 3 270M (the translate extra)
}
WITHOUT_DATA = {"soak", "llm_outage", "story_languages"}  # the scripts that read no RealTime QA article
# the scripts whose quick run reads the same index of the quick weeks' leads (bench/stories.py `leads_service`, in
# DIR/quick, indexed there on first use): they are given one --home DIR, so whichever runs first embeds the ~200
# leads and the other opens them
SHARED_LEADS = {"stories", "story_models", "story_llm_judge"}


def bench_scripts() -> list[Path]:
    return sorted(p for p in BENCH.glob("*.py"))


def reaches(path: Path) -> list[str]:
    """`sys.path` uses, and attributes named `_x` (not dunder) on anything but `self` or `cls`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value.id if isinstance(node.value, ast.Name) else None
        if owner == "sys" and node.attr == "path":
            found.append((node.lineno, f"{path.name}:{node.lineno} sys.path"))
        private = node.attr.startswith("_") and not (node.attr.startswith("__") and node.attr.endswith("__"))
        if private and owner not in ("self", "cls"):
            found.append((node.lineno, f"{path.name}:{node.lineno} .{node.attr}"))
    return [text for _, text in sorted(found)]


def test_no_bench_edits_sys_path_or_touches_a_private_name():
    scripts = bench_scripts()
    assert len(scripts) >= len(QUICK)
    assert [hit for path in scripts for hit in reaches(path)] == []


def test_the_scan_sees_what_it_forbids(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import sys\nsys.path.insert(0, '.')\nservice.retriever._dense(q)\nself._x = 1\nobj.__class__\n")
    assert reaches(probe) == ["probe.py:2 sys.path", "probe.py:3 ._dense"]


def require_data_set() -> None:
    """Skip, saying how to get it, when the RealTime QA set is not where the benchmarks look (a fresh clone)."""
    if not data_set().articles.is_file():
        pytest.skip(f"the benchmarks need realtimeqa-2025q1 (built from realtimeqa/realtimeqa_public as "
                    f"BENCHMARKS.md \"Data\" says): put it at {data_set().folder} or set NEWSBOT_BENCH_DATA")


def test_the_data_set_is_found():
    require_data_set()
    assert data_set().articles.is_file() and data_set().questions.is_file(), data_set().folder


def test_every_script_has_a_quick_run_here():
    runnable = {p.stem for p in bench_scripts()} - HELPERS
    assert runnable == set(QUICK)


@pytest.fixture(scope="module")
def leads_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("leads-home")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QUICK))
def test_quick_run(name, tmp_path, request):
    if name not in WITHOUT_DATA:
        require_data_set()
    args, expected = QUICK[name]
    if name in SHARED_LEADS:
        args = [*args, "--home", str(request.getfixturevalue("leads_home"))]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_"))}
    env.update(PYTHONPATH=str(ROOT), NEWSBOT_HOME=str(tmp_path / "home"),
               ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1", TMPDIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout, done.stdout[-3000:]
