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
from index.types import Scope


class SourceCatalog:
    """The configured sources of every scope, named as inside the index (`Scope.qualify`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def scopes(self) -> list[Scope]:
        """The shared scope and every server scope with a sources config."""
        return scoping.all_scopes(self.settings.home)

    def specs(self, scopes: Sequence[Scope] | None = None) -> list[tuple[SourceSpec, Path]]:
        """(spec named inside the index, folder of its config) of every source of `scopes` (default: all)."""
        chosen = self.scopes() if scopes is None else scopes
        return scoping.specs_of(self.settings.home, self.settings.sources_file, chosen)

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

    def add(self, location: str, name: str | None, scope: Scope) -> str:
        """Add a URL or feed to the sources config of `scope` (its kind found by fetching it); returns its
        name within the scope."""
        from index.sources.source_probe import probe_source

        path = scoping.config_file(self.settings.home, self.settings.sources_file, scope)
        text = path.read_text(encoding="utf-8") if path.exists() or Scope(scope).is_shared else ""
        spec = probe_source(location.strip(), name, self.settings, taken={s.name for s in parse_sources(text)})
        write_text_atomic(path, with_source_added(text, spec))
        return spec.name

    def without(self, name: str, scope: Scope) -> tuple[Path, str]:
        """(config file of `scope`, its text without the source `name`); BadInput when there is no such source."""
        path = scoping.config_file(self.settings.home, self.settings.sources_file, scope)
        if not Scope(scope).is_shared and not path.exists():
            raise BadInput(f"no source named {name!r}")
        return path, with_source_removed(path.read_text(encoding="utf-8"), name)

    def forget(self, scope: Scope) -> None:
        """Delete a server's sources config."""
        scoping.forget_guild_files(self.settings.home, scope)
