"""ProgressEdits: progress reported from a worker thread becomes a few message edits, the last one exact."""
import asyncio
import time

import pytest

from bot.discord.admin import ProgressEdits
from index.errors import IndexBusy


def test_progress_is_throttled_and_ends_with_the_final_count():
    shown: list[str] = []

    async def edit(text: str) -> None:
        shown.append(text)

    def work(progress) -> str:
        for done in range(101):
            progress(done, 100)
            time.sleep(0.002)
        return "report"

    async def main() -> str:
        return await ProgressEdits(edit, interval=600).run(work)

    assert asyncio.run(main()) == "report"
    assert 1 <= len(shown) <= 2  # one edit per interval (here: the first), then the final count
    assert shown[-1] == "Re-indexing: indexed 100/100 articles…"
    assert len(set(shown)) == len(shown)  # never the same edit twice


def test_a_failing_reindex_propagates_without_a_final_edit():
    shown: list[str] = []

    async def edit(text: str) -> None:
        shown.append(text)

    def work(progress):
        raise IndexBusy("a re-index is already running")

    async def main() -> None:
        await ProgressEdits(edit, interval=0).run(work)

    with pytest.raises(IndexBusy):
        asyncio.run(main())
    assert shown == []
