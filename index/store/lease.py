"""A re-index lease kept in Chroma, so that processes on several machines sharing one Chroma server do
not re-index (or refresh) the same index at once. `index.locking.exclusive` (a flock) still guards one
machine; this lease is taken inside it.

The record `<index>:lease` in the `newsbot-meta` collection names its holder (host, pid, a random token)
and an expiry time. To take it, a process reads it; if another holder's lease is live it gets IndexBusy;
otherwise it writes its own and reads it back after a short pause, and only holds the lease if its own
token is still there. While held, a thread renews it every `ttl / 3` seconds; it is deleted on release.

The guarantee (Chroma has no compare-and-swap, so this is a best effort with a clear failure mode):
- two processes that try more than `SETTLE` seconds apart never both hold it;
- two that write within `SETTLE` of each other: the later write wins and the other one sees it on its
  read-back and backs off; only writes that land in the same instant *and* read back in the same order
  could both pass, which the random pause makes unlikely, not impossible;
- a holder that dies leaves the lease for at most `ttl` seconds (on its own machine, at once: a holder
  whose pid is gone is stale); the clocks of the machines must agree to well within `ttl`.
Indexing itself stays safe if that ever fails: writes are idempotent upserts keyed by content hash.
"""
from __future__ import annotations

import os
import random
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from index.errors import IndexBusy

TTL_SECONDS = 120.0
SETTLE = 0.3  # seconds between writing the lease and reading it back


def _holder() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "token": uuid.uuid4().hex}


def _alive_here(record: dict) -> bool:
    """False when the holder ran on this machine and its process is gone."""
    if record.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(record.get("pid", 0)), 0)
    except (OSError, ValueError):
        return False
    return True


class ChromaLease:
    """The lease of one logical index, stored in the meta collection of `store`."""

    def __init__(self, store, ttl: float = TTL_SECONDS) -> None:
        self._store = store
        self._key = f"{store.name}:lease"
        self.ttl = ttl

    def read(self) -> dict | None:
        """The current lease record, or None."""
        found = self._store.call(lambda: self._store._meta().get(ids=[self._key], include=["metadatas"]))
        return (found["metadatas"][0] or {}) if found["ids"] else None

    def _write(self, holder: dict) -> None:
        record = holder | {"expires": time.time() + self.ttl}
        self._store.call(lambda: self._store._meta().upsert(ids=[self._key], embeddings=[[1.0]], documents=[""],
                                                            metadatas=[record]))

    @contextmanager
    def hold(self, what: str = "a re-index") -> Iterator[None]:
        """Hold the lease for the block; IndexBusy at once if another live holder has it."""
        me = _holder()
        current = self.read()
        if current and current.get("token") != me["token"] and current.get("expires", 0) > time.time() \
                and _alive_here(current):
            raise IndexBusy(f"{what} is already running (on {current.get('host')}, pid {current.get('pid')}); "
                            "try again when it has finished")
        self._write(me)
        time.sleep(SETTLE + random.uniform(0, SETTLE))
        if (self.read() or {}).get("token") != me["token"]:
            raise IndexBusy(f"{what} has just been started by another process; try again when it has finished")
        stop = threading.Event()
        renew = threading.Thread(target=self._renew, args=(me, stop), daemon=True)
        renew.start()
        try:
            yield
        finally:
            stop.set()
            renew.join()
            if (self.read() or {}).get("token") == me["token"]:
                self._store.call(lambda: self._store._meta().delete(ids=[self._key]))

    def _renew(self, me: dict, stop: threading.Event) -> None:
        while not stop.wait(self.ttl / 3):
            try:
                self._write(me)
            except Exception:  # the store is down: the next renewal tries again; expiry is the backstop
                continue
