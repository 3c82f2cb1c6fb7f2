"""The seams to outside services stay where they are: each of these libraries is imported by the named
modules only (checked with `ast` over index/ and bot/), and the core never imports Discord.

When a module starts to need one of these libraries, it goes through the seam that holds it instead
(the store, the lexical index, the embedder, the LLM), or the seam moves here on purpose."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEAMS = {
    "chromadb": {"index/store.py"},
    "bm25s": {"index/lexical.py"},
    "onnxruntime": {"index/embedding_onnx.py", "index/onnx_prepare.py"},
    "openai": {"index/app.py", "index/embedding.py"},
}


def importers() -> dict[str, set[str]]:
    """Top-level module name -> the files of index/ and bot/ that import it (at any depth of the file)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in [*ROOT.joinpath("index").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        name = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found[alias.name.split(".")[0]].add(name)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found[node.module.split(".")[0]].add(name)
    return found


def test_each_outside_library_is_imported_by_its_seam_only() -> None:
    found = importers()
    assert {library: found[library] - allowed for library, allowed in SEAMS.items()} == {
        library: set() for library in SEAMS}


def test_the_core_never_imports_discord() -> None:
    assert not {f for f in importers()["discord"] if f.startswith("index/")}
