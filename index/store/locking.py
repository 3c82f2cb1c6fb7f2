"""A lock that holds across processes (CLI and bot), so two re-indexes never interleave."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from index.errors import IndexBusy


@contextmanager
def exclusive(path: Path, what: str = "a re-index") -> Iterator[None]:
    """Hold an exclusive flock on `path`; raise IndexBusy at once if another holder has it.

    The kernel releases a flock when its process dies, so a killed re-index never leaves a stale lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusy(f"{what} is already running ({holder}); try again when it has finished") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
