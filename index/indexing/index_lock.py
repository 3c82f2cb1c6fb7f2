"""The lock that lets one index run at a time change a logical index, whichever process or machine runs it.

- With a database (`NEWSBOT_DATABASE_URL`): the database's lock (`Database.try_lock`: PostgreSQL's advisory
  lock, held by a session of its own and released by the server when its holder dies; a flock beside a sqlite
  file). It covers every process of every machine that shares the database, so the Chroma lease is not needed.
- Without one: a flock in the home folder (`locks/<collection>.lock`: the processes of one machine), and on a
  Chroma server the lease kept in Chroma (index/store/lease.py: the machines sharing that server).
Either way a holder elsewhere is IndexBusy at once, never a wait.
"""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import Iterator

from index.indexing.paths import Paths
from index.settings import Settings
from index.store.chroma import Store
from index.store.locking import exclusive


@contextmanager
def index_lock(settings: Settings, store: Store, paths: Paths, what: str = "a re-index") -> Iterator[None]:
    """Hold the lock of the logical index of `paths` for the block; IndexBusy when another holder has it."""
    if paths.database is not None:
        with paths.database.try_lock(f"newsbot:index:{paths.collection}", what):
            yield
        return
    with ExitStack() as stack:
        stack.enter_context(exclusive(paths.lock, what))
        if settings.chroma_host:
            from index.store.lease import ChromaLease

            stack.enter_context(ChromaLease(store).hold(what))
        yield
