"""Which sources each scope has: the shared sources config and each Discord server's, read on every call
(so sources added from Discord or by editing the file are seen at once). See index/sources/scopes.py."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from index.errors import BadInput
from index.settings import Settings
from index.sources import scopes as scoping
from index.sources.sources_config import SourceSpec, parse_sources, with_source_added, with_source_removed
from index.store.atomic_files import write_text_atomic
from index.store.records import FileRecords, Records
from index.types import Scope


class SourceCatalog:
    """The configured sources of every scope, named as inside the index (`Scope.qualify`): the shared ones in
    the sources file, the servers' ones in `records` (the home's files by default, or the database)."""

    def __init__(self, settings: Settings, records: Records | None = None) -> None:
        self.settings = settings
        self.records = records if records is not None else FileRecords(settings.home)

    def scopes(self) -> list[Scope]:
        """The shared scope and every server scope with a sources config."""
        return scoping.all_scopes(self.records)

    def specs(self, scopes: Sequence[Scope] | None = None) -> list[tuple[SourceSpec, Path]]:
        """(spec named inside the index, folder of its config) of every source of `scopes` (default: all)."""
        chosen = self.scopes() if scopes is None else scopes
        return [pair for scope in chosen
                for pair in scoping.scope_specs(self.records, self.settings.home, self.settings.sources_file, scope)]

    def all_sources(self) -> list[SourceSpec]:
        """Every configured source of every scope (named as inside the index), for the refresh schedule."""
        return [spec for spec, _ in self.specs()]

    def configured(self) -> set[str]:
        """Names (inside the index) of every configured source, in every scope."""
        return {spec.name for spec, _ in self.specs()}

    def named(self, name: str, scopes: Sequence[Scope]) -> list[tuple[SourceSpec, Path]]:
        """The source called `name` (within its scope) in the first of `scopes` that has one; BadInput if none."""
        found = [pair for pair in self.specs(scopes) if Scope.split(pair[0].name)[1] == name][:1]
        if not found:
            raise BadInput(f"unknown source {name!r}; see `newsbot sources`")
        return found

    def qualified(self, name: str) -> list[tuple[SourceSpec, Path]]:
        """The source named `name` inside the index (`g<id>~name` for a server's); BadInput if none."""
        found = [pair for pair in self.specs() if pair[0].name == name]
        if not found:
            raise BadInput(f"unknown source {Scope.split(name)[1]!r}; see `newsbot sources`")
        return found

    def text(self, scope: Scope) -> str | None:
        """The TOML text of the sources config of `scope` (None: a server without one)."""
        if Scope(scope).is_shared:
            return self.settings.sources_file.read_text(encoding="utf-8")
        return scoping.server_sources_text(self.records, scope)

    def write(self, scope: Scope, text: str) -> None:
        """Replace the sources config of `scope` with `text` (in one step)."""
        if Scope(scope).is_shared:
            write_text_atomic(self.settings.sources_file, text)
        else:
            scoping.save_server_sources(self.records, scope, text)

    def add(self, location: str, name: str | None, scope: Scope) -> str:
        """Add a URL or feed to the sources config of `scope` (its kind found by fetching it); returns its
        name within the scope."""
        from index.sources.source_probe import probe_source

        text = self.text(scope) or ""
        spec = probe_source(location.strip(), name, self.settings, taken={s.name for s in parse_sources(text)})
        self.write(scope, with_source_added(text, spec))
        return spec.name

    def without(self, name: str, scope: Scope) -> str:
        """The config text of `scope` without the source `name`; BadInput when there is no such source."""
        text = self.text(scope)
        if text is None:
            raise BadInput(f"no source named {name!r}")
        return with_source_removed(text, name)

    def forget(self, scope: Scope) -> None:
        """Delete a server's sources config."""
        scoping.forget_server_sources(self.records, scope)
