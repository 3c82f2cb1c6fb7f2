"""The house keeps its shape: checked with `ast` over index/ and bot/, so it stays true.

- Stages: each package imports only from the stages below it (or from its own package), never up.
- No circle of imports anywhere, lazy imports inside functions included.
- Each outside library behind one seam: chromadb and bm25s in index/store, onnxruntime and openai in
  index/embedding, discord in bot/discord; the core never imports Discord or the adapters.
- The port is the adapters' only door: bot/ imports from index only `port`, `types`, `errors`,
  `settings` and `app` (the composition root), lazy imports included.
- Scopes are vocabulary: the word `"shared"` is written in `index.types.Scope` only.
- The core speaks no Discord: no name in index/ (a variable, an attribute, a parameter, a function, a class, an
  import) and no SQL it writes says guild, channel, DM or discord. A vote, like a source, belongs to a `Scope`;
  where inside it is the adapter's opaque label. Only `index.settings` declares the adapters' settings.
- Small parts: no module over 300 lines, no function over 40.
- Tests share helpers through tests/support/ only: no test module imports another, nor a conftest.

When a change needs to break one of these, the change is in the wrong place: see ARCHITECTURE.md.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("index", "bot")

# Lowest first. A module belongs to the longest prefix listed here.
STAGES = [
    ("index.types", "index.errors", "index.settings", "index.text", "index.language", "index.analysis", "index.tokens",
     "index.port"),
    ("index.store", "index.embedding", "index.llm"),
    ("index.sources",),
    ("index.indexing",),
    ("index.retrieval",),
    ("index.answering",),
    ("index.news",),
    ("index.service",),
    ("index.evaluation",),
    ("index.app", "index.home", "index.preload"),
    ("bot.output", "bot.cli_errors", "bot.run_logging", "bot.phrases"),
    ("bot.state",),
    ("bot.discord",),
    ("bot.cli", "bot.cli_commands", "bot.cli_parser", "bot.cli_servers", "bot.cli_migrate"),
]
SEAMS = {
    "chromadb": "index.store",
    "bm25s": "index.store",
    "psycopg": "index.store",
    "onnxruntime": "index.embedding",
    "openai": "index.embedding",
    "discord": "bot.discord",
}
# What bot/ may import from the core: the port, the vocabulary it speaks, and the composition root.
ADAPTER_DOOR = ("index.port", "index.types", "index.errors", "index.settings", "index.app")
# Discord's words, as parts of a snake_case or CamelCase name; the core says scope (or server, inside `Scope`).
DISCORD_WORDS = re.compile(r"(?i:(?:^|_)(?:guilds?|channels?|dms?|discord)(?:_|$))|Guild|Channel|Discord")
SQL = re.compile(r"\b(?:CREATE TABLE|ALTER TABLE|INSERT INTO|UPDATE|SELECT)\b")
DECLARES_ADAPTER_SETTINGS = ("index.settings",)  # typed settings of every adapter (DISCORD_TOKEN, …), read by bot/
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of index/ and bot/."""
    found = {}
    for package in PACKAGES:
        for path in ROOT.joinpath(package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(our modules, outside top-level libraries) that a file imports, at any depth of the file."""
    ours, outside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                     for alias in node.names]
        for name in names:
            (ours if name.split(".")[0] in PACKAGES else outside).add(name if name.split(".")[0] in PACKAGES
                                                                        else name.split(".")[0])
    return ours, outside


def stage_of(module: str) -> tuple[int, str]:
    """(rank, package) of a module: the longest STAGES prefix it falls under; plain modules listed side by
    side (`index.app`, `index.home`) form one package of their stage."""
    best = (-1, "", "")
    for rank, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best[2]):
                best = (rank, prefix, prefix)
    assert best[0] >= 0, f"{module} belongs to no stage: add it to STAGES (and to ARCHITECTURE.md)"
    is_package = ROOT.joinpath(*best[1].split(".")).is_dir()
    return best[0], best[1] if is_package else f"stage {best[0]}"


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {i for i in imports(path, known)[0] if i in known} for name, path in known.items()}


def test_every_module_has_a_stage() -> None:
    for module in modules():
        if module not in PACKAGES:
            stage_of(module)


def test_imports_go_down_the_stages_never_up() -> None:
    wrong = []
    for module, targets in graph().items():
        if module in PACKAGES:
            continue
        rank, package = stage_of(module)
        for target in targets - set(PACKAGES):
            target_rank, target_package = stage_of(target)
            sideways = target_rank == rank and target_package != package
            if target_rank > rank or sideways:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_circle_of_imports() -> None:
    edges = graph()
    circles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_each_outside_library_is_imported_behind_its_seam_only() -> None:
    known = modules()
    wrong = defaultdict(set)
    for module, path in known.items():
        for library in imports(path, known)[1] & set(SEAMS):
            if not (module == SEAMS[library] or module.startswith(SEAMS[library] + ".")):
                wrong[library].add(module)
    assert dict(wrong) == {}


def test_the_core_never_imports_discord_or_the_adapters() -> None:
    known = modules()
    for module, path in known.items():
        if module.startswith("index"):
            ours, outside = imports(path, known)
            assert "discord" not in outside and not any(i.startswith("bot") for i in ours), module


def core_imports(source: str) -> set[str]:
    """Every `index` module a source text imports, at any depth (`from index import x` counts as `index.x`)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "index":
            found |= {f"index.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "index"}


def past_the_door(source: str) -> list[str]:
    """The `index` modules an adapter's source imports besides the port, the vocabulary and the root."""
    return sorted(name for name in core_imports(source)
                  if not any(name == door or name.startswith(door + ".") for door in ADAPTER_DOOR))


def test_the_adapters_enter_the_core_by_the_port_only() -> None:
    wrong = [f"{module} -> {name}" for module, path in modules().items() if module.split(".")[0] == "bot"
             for name in past_the_door(path.read_text(encoding="utf-8"))]
    assert wrong == []


def test_the_door_check_catches_every_way_past_the_port() -> None:
    """The check above is only worth its pass if it fails on a reach past the port: lazy, aliased or not."""
    allowed = ("from index.port import NewsPort\nfrom index.types import Scope\nimport index.app\n"
               "from index import errors, settings\n")
    assert past_the_door(allowed) == []
    reaching = ("from index.sources.scopes import SHARED\n"
                "def later():\n    from index.service.feedback import FeedbackStore\n"
                "class Cog:\n    def run(self):\n        import index.indexing.refresh as refresh\n"
                "from index import store\nimport index\n")
    assert past_the_door(reaching) == ["index", "index.indexing.refresh", "index.service.feedback",
                                       "index.sources.scopes", "index.store"]


def test_only_the_scope_vocabulary_spells_the_shared_scope() -> None:
    spelled = [module for module, path in modules().items() if module != "index.types"
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Constant) and node.value == "shared"]
    assert spelled == []


def discord_words(source: str) -> list[str]:
    """The names a source text defines or uses, and the SQL it writes, that say Discord's words. A keyword
    argument is not a name of ours (`per_channel=True` to a library); an argument of ours is caught at its def."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.arg):
            names = [node.arg]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.alias):
            names = [node.asname or node.name.split(".")[-1]]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            names = re.findall(r"\w+", node.value)
        found += [f"{node.lineno}: {name}" for name in names if DISCORD_WORDS.search(name)]
    return found


def test_the_core_speaks_no_discord() -> None:
    said = [f"{module}:{where}" for module, path in modules().items()
            if module.split(".")[0] == "index" and module not in DECLARES_ADAPTER_SETTINGS
            for where in discord_words(path.read_text(encoding="utf-8"))]
    assert said == []


def test_the_discord_words_check_catches_a_server_or_channel_in_the_core() -> None:
    """Worth its pass only if it fails on what the feedback store once held, and not on what it holds now."""
    before = ("class Feedback:\n    guild_id: str = ''\n"
              "def add(q, *, channel_id=None):\n    return row.guild_id or 'direct messages'\n"
              "SCHEMA = 'CREATE TABLE feedback (id INTEGER, guild_id TEXT)'\n"
              "from bot.discord.access import DiscordChannel\nGUILD_SOURCES = 'guild-sources'\n")
    assert sorted(w.split(": ")[1] for w in discord_words(before)) == [
        "DiscordChannel", "GUILD_SOURCES", "channel_id", "guild_id", "guild_id", "guild_id"]
    now = ("class Feedback:\n    scope: str = ''\n    place: str = ''\n"
           "FeedbackStore(where, renamed)\n"
           "quantize(model, per_channel=True)\nthreads = threading.Lock()\n"
           "SCHEMA = 'CREATE TABLE feedback (id INTEGER, scope TEXT, place TEXT)'\n")
    assert discord_words(now) == []


def test_modules_and_functions_stay_small() -> None:
    too_big = []
    for module, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            too_big.append(f"{module}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_big.append(f"{module}.{node.name}: {length} lines")
    assert too_big == []


def test_test_modules_share_helpers_through_tests_support_only() -> None:
    """A test module or conftest file imports shared helpers from tests.support, never from another test
    module or a conftest (fixtures reach tests by name, through the conftest files)."""
    wrong = []
    for path in ROOT.joinpath("tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["." * node.level + (node.module or "")]
            else:
                continue
            wrong += [f"{path.relative_to(ROOT)}: {name}" for name in names
                      if name.startswith(".") or name.split(".")[0] in ("conftest",) or name.startswith("test_")
                      or (name.split(".")[0] == "tests" and name.split(".")[:2] != ["tests", "support"])]
    assert wrong == []
