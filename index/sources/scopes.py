"""Where each scope's sources are configured: the operator's shared sources and each Discord server's own.

A scope (`index.types.Scope`) is `shared` for the sources of `sources.toml` (managed from the CLI and the
config file), `g<server id>` for the sources a server's admins added with `/source add`. Every chunk
carries its scope in its `scope` metadata field. One Chroma collection holds every scope; the dense side
filters with `{"scope": {"$in": [...]}}`, the BM25 side masks rows by scope (see BENCHMARKS.md, "Server
scopes", for why one collection rather than one per server, and what it costs).

Inside the index a server's source is named `g<id>~<name>` and its articles' ids are prefixed the same
way (`Scope.qualify`), so that two servers adding a source of the same name, or the same feed, get two
sources whose chunks never overwrite each other. `~` is not allowed in a configured name, so no shared
source can collide. A server's sources config is a record (index/store/records.py): `guilds/<id>/sources.toml` under the data
folder, or its TOML text in the database.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable

from index.errors import BadInput
from index.sources.sources_config import SourceSpec, load_sources, parse_sources
from index.store.records import Records
from index.types import Article, Scope


def scoped_articles(articles: Iterable[Article], scope: Scope) -> list[Article]:
    """Articles of a server's source with ids of their own (`g<id>~…`): the same feed added by two
    servers gives two sets of chunks. Shared articles are unchanged."""
    if Scope(scope).is_shared:
        return list(articles)
    return [dataclasses.replace(a, id=Scope(scope).qualify(a.id)) for a in articles]


# ----------------------------------------------------------------------------- where configs live
SERVER_SOURCES = "guild-sources"  # the records (index/store/records.py) of servers' configs, keyed by server id;
# the kind's name, like the `guilds/<id>/` folder of the files layout, is what homes and databases already hold


def server_key(scope: Scope) -> str:
    """The key of a server scope's sources config (its server id); BadInput for the shared scope."""
    try:
        server_id = Scope(scope).server_id
    except ValueError:
        server_id = None
    if server_id is None:
        raise BadInput(f"not a server scope: {scope!r}")
    return str(server_id)


def server_folder(home: Path, scope: Scope) -> Path:
    """The folder a server's relative source paths resolve against (where its config lives in files)."""
    return home / "guilds" / server_key(scope)


def server_scopes(records: Records) -> list[Scope]:
    """Every server scope that has a sources config."""
    keys = records.keys(SERVER_SOURCES)
    return sorted(Scope.server(int(key)) for key in keys if key.isdigit() and len(key) <= 20)


def server_sources_text(records: Records, scope: Scope) -> str | None:
    """The TOML text of a server's sources config, None when it has none."""
    return records.get(SERVER_SOURCES, server_key(scope))


def save_server_sources(records: Records, scope: Scope, text: str) -> None:
    """Write a server's sources config (its TOML text)."""
    records.put(SERVER_SOURCES, server_key(scope), text)


def forget_server_sources(records: Records, scope: Scope) -> None:
    """Delete a server's sources config."""
    records.delete(SERVER_SOURCES, server_key(scope))


def scope_specs(records: Records, home: Path, shared_file: Path, scope: Scope) -> list[tuple[SourceSpec, Path]]:
    """(spec named inside the index, folder its relative paths resolve against) of one scope's sources."""
    scope = Scope(scope)
    if scope.is_shared:
        return [(spec, shared_file.parent) for spec in load_sources(shared_file)]
    text = server_sources_text(records, scope)
    if text is None:
        return []
    folder = server_folder(home, scope)
    specs = parse_sources(text, origin=f"the sources of server {server_key(scope)}")
    return [(dataclasses.replace(spec, name=scope.qualify(spec.name)), folder) for spec in specs]


def all_scopes(records: Records) -> list[Scope]:
    """The shared scope and every server scope with a config."""
    return [Scope.SHARED, *server_scopes(records)]
