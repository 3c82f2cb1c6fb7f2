"""What Chroma itself holds, for tests that check the store's contents (or damage them on purpose)."""
from __future__ import annotations


def live_chroma(service):
    """The live Chroma collection of a service: the raw API, below newsbot's store vocabulary."""
    return service.store.physical(service.store.live_name())
