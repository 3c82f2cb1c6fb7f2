"""The scope-keeping half of NewsService (index/service/facade.py): which sources each scope has, forgetting a
server's scope, and giving chunks written before scopes existed their scope. See index/sources/scopes.py."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

from index.sources import scopes as scoping
from index.store.atomic_files import write_text_atomic
from index.sources.scopes import SHARED
from index.errors import BadInput
from index.store.locking import exclusive
from index.sources.sources_config import SourceSpec

log = logging.getLogger("index.service.facade")


class ScopeMaintenance:
    """Mixed into NewsService; uses its settings, store, indexer, paths and state."""

    def _specs(self, scopes: Sequence[str]) -> list[tuple[SourceSpec, Path]]:
        """(spec named inside the index, folder of its config) of every source of `scopes`."""
        return scoping.specs_of(self.settings.home, self.settings.sources_file, scopes)

    def forget_scope(self, scope: str) -> list[str]:
        """Delete a server's sources config and every chunk of its sources; returns the sources dropped."""
        if scope == SHARED:
            raise BadInput("the shared sources are managed in the sources config, not forgotten")
        with exclusive(self.paths.lock):
            names = [n for n in self.indexer.indexed_sources() if scoping.scope_of(n) == scope]
            names += [s.name for s, _ in self._specs([scope]) if s.name not in names]
            self._drop_sources(names)
            self.health_book.forget(names)
            scoping.forget_guild_files(self.settings.home, scope)
        return [scoping.split_name(n)[1] for n in names]

    def _drop_sources(self, qualified: Sequence[str]) -> None:
        """Delete the chunks, docstores and last-indexed times of sources (the index lock held)."""
        dropped = [name for name in qualified if self.indexer.drop_source(name)]
        if dropped:
            self.store.bump_generation()
        state = self._load_state()
        for name in qualified:
            state.pop(name, None)
        self._save_state(state)

    def _configured(self) -> set[str]:
        """Names (inside the index) of every configured source, in every scope."""
        return {s.name for s, _ in self._specs(scoping.all_scopes(self.settings.home))}

    def _stamp_scopes(self, done: bool = False) -> None:
        """Once per physical collection: give chunks written before scopes existed their scope (or, with
        `done`, only record that the live collection needs none)."""

        live = self.store.live_name()
        marker = self.paths.home / "state" / f"{live}.scoped"
        if marker.exists():
            return
        if done:
            write_text_atomic(marker, "1\n")
            return
        stamped = scoping.stamp_missing_scopes(self.store.chunks_of(live))
        if stamped:
            log.info("gave %d chunks of %s their scope", stamped, live)
            self.store.bump_generation()
        write_text_atomic(marker, "1\n")

