"""Source scopes: the operator's *shared* sources and each Discord server's own.

Every chunk carries a `scope` metadata field: `shared` for the sources of `sources.toml` (managed from
the CLI and the config file), `g<server id>` for the sources a server's admins added with `/source add`.
A question is answered from the scopes it may see (`visible_scopes`): a server sees `shared` and its own
scope, a DM or the CLI `shared` only. One Chroma collection holds every scope; the dense side filters
with `{"scope": {"$in": [...]}}`, the BM25 side masks rows by scope (see BENCHMARKS.md, "Server scopes",
for why one collection rather than one per server, and what it costs).

Inside the index a server's source is named `g<id>~<name>` and its articles' ids are prefixed the same
way, so that two servers adding a source of the same name, or the same feed, get two sources whose
chunks never overwrite each other. `~` is not allowed in a configured name, so no shared source can
collide. A server's sources config lives in `guilds/<id>/sources.toml` under the data folder.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from typing import Iterable

from index.errors import BadInput
from index.sources.sources_config import SourceSpec, load_sources
from index.store.chunks import Chunks
from index.types import Article

SHARED = "shared"
SEPARATOR = "~"
_GUILD_SCOPE = re.compile(r"^g\d{1,20}$")


def guild_scope(guild_id: int) -> str:
    """The scope of one Discord server."""
    return f"g{int(guild_id)}"


def visible_scopes(guild_id: int | None) -> tuple[str, ...]:
    """What a question asked in server `guild_id` (None: a DM or the CLI) may be answered from."""
    return (SHARED,) if guild_id is None else (SHARED, guild_scope(guild_id))


def qualified_name(scope: str, name: str) -> str:
    """The name of a source inside the index: unchanged for shared sources, `g<id>~name` for a server's."""
    return name if scope == SHARED else f"{scope}{SEPARATOR}{name}"


def split_name(qualified: str) -> tuple[str, str]:
    """(scope, name as its server knows it) of a source named inside the index."""
    scope, sep, name = qualified.partition(SEPARATOR)
    return (scope, name) if sep and _GUILD_SCOPE.match(scope) else (SHARED, qualified)


def scope_of(qualified: str) -> str:
    """The scope of a source named inside the index."""
    return split_name(qualified)[0]


def scoped_articles(articles: Iterable[Article], scope: str) -> list[Article]:
    """Articles of a server's source with ids of their own (`g<id>~…`): the same feed added by two
    servers gives two sets of chunks. Shared articles are unchanged."""
    if scope == SHARED:
        return list(articles)
    return [dataclasses.replace(a, id=f"{scope}{SEPARATOR}{a.id}") for a in articles]


# ----------------------------------------------------------------------------- where configs live
def guild_sources_file(home: Path, scope: str) -> Path:
    """The sources config of one server's scope."""
    if not _GUILD_SCOPE.match(scope):
        raise BadInput(f"not a server scope: {scope!r}")
    return home / "guilds" / scope[1:] / "sources.toml"


def guild_scopes_on_disk(home: Path) -> list[str]:
    """Every server scope that has a sources config in the data folder."""
    root = home / "guilds"
    if not root.is_dir():
        return []
    return sorted(f"g{p.name}" for p in root.iterdir() if p.name.isdigit() and (p / "sources.toml").exists())


def forget_guild_files(home: Path, scope: str) -> None:
    """Delete a server's sources config folder."""
    shutil.rmtree(guild_sources_file(home, scope).parent, ignore_errors=True)


def scope_specs(home: Path, shared_file: Path, scope: str) -> list[tuple[SourceSpec, Path]]:
    """(spec named inside the index, folder its relative paths resolve against) of one scope's sources."""
    if scope == SHARED:
        return [(spec, shared_file.parent) for spec in load_sources(shared_file)]
    path = guild_sources_file(home, scope)
    if not path.exists():
        return []
    return [(dataclasses.replace(spec, name=qualified_name(scope, spec.name)), path.parent)
            for spec in load_sources(path)]


def all_scopes(home: Path) -> list[str]:
    """The shared scope and every server scope with a config."""
    return [SHARED, *guild_scopes_on_disk(home)]


def stamp_missing_scopes(chunks: Chunks) -> int:
    """Give chunks written before scopes existed their `scope` (from their source name); returns how many.

    The store merges the metadata of an update, so nothing is re-embedded.
    """
    stamped = 0
    for page in chunks.pages(text=False):
        missing = [c for c in page if "scope" not in c.metadata]
        chunks.update_metadata([c.id for c in missing],
                               [{"scope": scope_of(str(c.metadata.get("source", "")))} for c in missing])
        stamped += len(missing)
    return stamped


def specs_of(home: Path, shared_file: Path, scopes: Iterable[str]) -> list[tuple[SourceSpec, Path]]:
    """The sources of several scopes, each with the folder its relative paths resolve against."""
    return [pair for scope in scopes for pair in scope_specs(home, shared_file, scope)]


def config_file(home: Path, shared_file: Path, scope: str) -> Path:
    """The sources config that `/source add` and `/source remove` change for `scope`."""
    return shared_file if scope == SHARED else guild_sources_file(home, scope)
