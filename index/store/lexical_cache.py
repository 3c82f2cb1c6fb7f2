"""The BM25 snapshot on disk: a base file and an append-only log of the changes made since it.

A refresh that brings a few articles appends their chunks (text and metadata, which is all re-indexing
them needs) and the ids it removed to the log, instead of writing the whole snapshot again (every chunk's
text and metadata plus the index: 100 MB at 28.5k chunks). Loading reads the base and replays the log's
changes as long as each follows the generation reached; one that does not (a record another process
appended from an older generation, a torn last write) ends the replay, the caller brings the snapshot
up to date from there as after any change, and the next save writes a new base. The log is folded into a
new base once it holds more than an eighth of the base's chunks.
"""
from __future__ import annotations

import logging
import pickle
from dataclasses import replace
from pathlib import Path

from index.store.lexical_delta import Change, apply_change

log = logging.getLogger(__name__)
LOG_SHARE = 8  # a new base once the log's chunks pass 1/8 of the snapshot's


class SnapshotFile:
    """One collection's BM25 snapshot file (`path`) and its change log (`path` with suffix .log)."""

    def __init__(self, path: Path, kind: type) -> None:
        self.path = path
        self.kind = kind  # what the base file must hold (lexical.LexicalSnapshot)
        self.log = path.with_suffix(".log")
        self._tail: str | None = None  # the generation the files reach, when this process knows it
        self._logged = 0  # chunks in the log (appended and removed)
        self._seen: tuple | None = None  # the files' signature when this process last read or wrote them

    def _signature(self) -> tuple:
        return tuple((s.st_ino, s.st_size, s.st_mtime_ns) if (s := _stat(p)) else None for p in (self.path, self.log))

    def load(self):
        """The snapshot the base and its log hold (any generation); None without a readable base, or when
        the files are as this process last read or wrote them (it has that snapshot already)."""
        signature = self._signature()
        if signature == self._seen:
            return None
        self._tail, self._seen = None, signature
        if not self.path.exists():
            return None
        try:
            with self.path.open("rb") as handle:
                snapshot = pickle.load(handle)
        except Exception:  # a stale or truncated cache is rebuilt, never fatal
            log.warning("lexical cache %s unreadable; rebuilding", self.path)
            return None
        if not isinstance(snapshot, self.kind):
            return None
        snapshot, complete = self._replay(snapshot)
        self._tail = snapshot.generation if complete else None
        return snapshot

    def _replay(self, snapshot):
        """`snapshot` with the log's changes applied, and whether the whole log followed on."""
        self._logged = 0
        if not self.log.exists():
            return snapshot, True
        with self.log.open("rb") as handle:
            while True:
                try:
                    change = pickle.load(handle)
                except EOFError:
                    return snapshot, True
                except Exception:  # a torn write
                    return snapshot, False
                if not isinstance(change, Change) or change.since != snapshot.generation:
                    return snapshot, False
                snapshot = apply_change(snapshot, change)
                self._logged += len(change.ids) + len(change.removed)

    def save(self, snapshot) -> None:
        """Append `snapshot`'s change to the log when the files reach the generation it was made from;
        otherwise (or once the log is large) write `snapshot` as the new base and start an empty log."""
        change = snapshot.change
        if change is not None and change.since == self._tail and self._signature() == self._seen:
            size = len(change.ids) + len(change.removed)
            if (self._logged + size) * LOG_SHARE <= len(snapshot.ids):
                with self.log.open("ab") as handle:  # one write: appends from processes do not interleave
                    handle.write(pickle.dumps(change, protocol=pickle.HIGHEST_PROTOCOL))
                self._tail, self._logged = snapshot.generation, self._logged + size
                self._seen = self._signature()
                return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            pickle.dump(replace(snapshot, change=None), handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(self.path)
        self.log.unlink(missing_ok=True)
        self._tail, self._logged, self._seen = snapshot.generation, 0, self._signature()


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None
