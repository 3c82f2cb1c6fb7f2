"""Where each scope's sources are configured: the operator's shared sources and each Discord server's own.

A scope (`index.types.Scope`) is `shared` for the sources of `sources.toml` (managed from the CLI and the
config file), `g<server id>` for the sources a server's admins added with `/source add`. Every chunk
carries its scope in its `scope` metadata field. One Chroma collection holds every scope; the dense side
filters with `{"scope": {"$in": [...]}}`, the BM25 side masks rows by scope (see BENCHMARKS.md, "Server
scopes", for why one collection rather than one per server, and what it costs).

Inside the index a server's source is named `g<id>~<name>` and its articles' ids are prefixed the same
way (`Scope.qualify`), so that two servers adding a source of the same name, or the same feed, get two
sources whose chunks never overwrite each other. `~` is not allowed in a configured name, so no shared
source can collide. A server's sources config lives in `guilds/<id>/sources.toml` under the data folder.
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Iterable

from index.errors import BadInput
from index.sources.sources_config import SourceSpec, load_sources
from index.types import Article, Scope


def scoped_articles(articles: Iterable[Article], scope: Scope) -> list[Article]:
    """Articles of a server's source with ids of their own (`g<id>~…`): the same feed added by two
    servers gives two sets of chunks. Shared articles are unchanged."""
    if Scope(scope).is_shared:
        return list(articles)
    return [dataclasses.replace(a, id=Scope(scope).qualify(a.id)) for a in articles]


# ----------------------------------------------------------------------------- where configs live
def guild_sources_file(home: Path, scope: Scope) -> Path:
    """The sources config of one server's scope."""
    try:
        server_id = Scope(scope).server_id
    except ValueError:
        server_id = None
    if server_id is None:
        raise BadInput(f"not a server scope: {scope!r}")
    return home / "guilds" / str(server_id) / "sources.toml"


def guild_scopes_on_disk(home: Path) -> list[Scope]:
    """Every server scope that has a sources config in the data folder."""
    root = home / "guilds"
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.name.isdigit() and (p / "sources.toml").exists()]
    return sorted(Scope.server(int(name)) for name in found if len(name) <= 20)


def forget_guild_files(home: Path, scope: Scope) -> None:
    """Delete a server's sources config folder."""
    shutil.rmtree(guild_sources_file(home, scope).parent, ignore_errors=True)


def scope_specs(home: Path, shared_file: Path, scope: Scope) -> list[tuple[SourceSpec, Path]]:
    """(spec named inside the index, folder its relative paths resolve against) of one scope's sources."""
    scope = Scope(scope)
    if scope.is_shared:
        return [(spec, shared_file.parent) for spec in load_sources(shared_file)]
    path = guild_sources_file(home, scope)
    if not path.exists():
        return []
    return [(dataclasses.replace(spec, name=scope.qualify(spec.name)), path.parent) for spec in load_sources(path)]


def all_scopes(home: Path) -> list[Scope]:
    """The shared scope and every server scope with a config."""
    return [Scope.SHARED, *guild_scopes_on_disk(home)]


def specs_of(home: Path, shared_file: Path, scopes: Iterable[Scope]) -> list[tuple[SourceSpec, Path]]:
    """The sources of several scopes, each with the folder its relative paths resolve against."""
    return [pair for scope in scopes for pair in scope_specs(home, shared_file, scope)]


def config_file(home: Path, shared_file: Path, scope: Scope) -> Path:
    """The sources config that `/source add` and `/source remove` change for `scope`."""
    return shared_file if Scope(scope).is_shared else guild_sources_file(home, scope)
