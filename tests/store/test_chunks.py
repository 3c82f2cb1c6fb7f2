"""The store in newsbot's vocabulary (index/store/chunks.py), on a real embedded Chroma: what goes in
comes back as `StoredChunk`s, pages cover everything once, filters and queries hold, and a swap of the
live collection is followed."""
from __future__ import annotations

import numpy as np
import pytest

from index.errors import StoreUnavailable
from index.settings import Settings
from index.store.chroma import make_store
from index.store.chunks import PAGE, ChunkFilter, StoredChunk


def _vector(i: int) -> np.ndarray:
    v = np.zeros(8, dtype=np.float32)
    v[i % 8] = 1.0
    v[(i + 1) % 8] = 0.5
    return v / np.linalg.norm(v)


def _chunks(n: int, source: str = "a") -> list[StoredChunk]:
    return [StoredChunk(f"{source}-{i}#h#{i}", f"text {i}", {"source": source, "article_id": f"{source}-{i}",
                                                             "position": i}, _vector(i)) for i in range(n)]


@pytest.fixture()
def store(tmp_path):
    return make_store(Settings(home=tmp_path / "home"), "test-store")


def test_chunks_round_trip_as_stored_chunks(store):
    store.chunks.upsert(_chunks(5))
    assert store.chunks.count() == 5
    [got] = store.chunks.get(["a-3#h#3"], text=True, embeddings=True)
    assert (got.id, got.text, got.metadata["article_id"]) == ("a-3#h#3", "text 3", "a-3")
    assert np.allclose(got.embedding, _vector(3))
    assert store.chunks.get(["missing"]) == []


def test_pages_cover_every_chunk_once_and_filters_hold(store):
    store.chunks.upsert(_chunks(PAGE + 7, "a"))
    store.chunks.upsert(_chunks(3, "b"))
    pages = list(store.chunks.pages(text=False))
    assert len(pages) == 2 and sum(len(p) for p in pages) == PAGE + 10
    assert len({c.id for p in pages for c in p}) == PAGE + 10
    assert sorted(store.chunks.ids(ChunkFilter(source="b"))) == sorted(c.id for c in _chunks(3, "b"))


def test_query_returns_the_nearest_with_cosine_distances(store):
    store.chunks.upsert(_chunks(8))
    found = store.chunks.query(_vector(2), 3)
    assert found[0][0].id == "a-2#h#2" and found[0][1] == pytest.approx(0.0, abs=1e-5)
    assert [d for _, d in found] == sorted(d for _, d in found)
    assert {c.metadata["source"] for c, _ in store.chunks.query(_vector(2), 3, ChunkFilter(source="a"))} == {"a"}


def test_delete_and_update_metadata(store):
    store.chunks.upsert(_chunks(4))
    store.chunks.delete(["a-0#h#0", "not-there"])
    store.chunks.update_metadata(["a-1#h#1"], [{"scope": "g1"}])
    assert store.chunks.count() == 3
    [got] = store.chunks.get(["a-1#h#1"], text=True, embeddings=True)
    assert got.metadata["scope"] == "g1" and got.text == "text 1" and np.allclose(got.embedding, _vector(1))


def test_the_live_view_follows_a_swap_and_a_target_stays_put(store):
    store.chunks.upsert(_chunks(2))
    old = store.live_name()
    new = store.next_version()
    target = store.chunks_of(new)
    target.upsert(_chunks(5, "b"))
    assert store.chunks.count() == 2  # readers keep the live collection while the new one is built
    store.swap(new)
    assert store.chunks.count() == 5 and target.count() == 5
    store.drop(old)
    assert store.live_name() == new


def test_a_failure_is_one_store_unavailable(tmp_path):
    store = make_store(Settings(home=tmp_path / "home", chroma_host="127.0.0.1", chroma_port=9), "nowhere")
    with pytest.raises(StoreUnavailable):
        store.chunks.count()


def test_filters_on_scopes_and_published_days(store):
    days = {"a-0#h#0": -1, "a-1#h#1": 10, "a-2#h#2": 20, "a-3#h#3": 30}  # -1: an undated chunk
    store.chunks.upsert([StoredChunk(c.id, c.text, {**c.metadata, "published_day": days[c.id],
                                                    "scope": "g1" if c.id == "a-3#h#3" else "shared"}, c.embedding)
                         for c in _chunks(4)])
    assert ChunkFilter().to_where() is None
    assert sorted(store.chunks.ids(ChunkFilter(since_day=15))) == ["a-2#h#2", "a-3#h#3"]
    assert sorted(store.chunks.ids(ChunkFilter(until_day=20))) == ["a-0#h#0", "a-1#h#1", "a-2#h#2"]
    assert sorted(store.chunks.ids(ChunkFilter(source="a", before_day=25))) == ["a-1#h#1", "a-2#h#2"]
    assert store.chunks.ids(ChunkFilter(scopes=("g1",), since_day=0)) == ["a-3#h#3"]
    assert len(store.chunks.ids(ChunkFilter(scopes=("shared", "g1")))) == 4
