"""`newsbot doctor`: the pure check and repair plan, then real stores damaged on purpose and repaired."""
import json

import pytest

from index.app import build_service
from index.indexing.doctor import Chunk, Inventory, check, plan
from index.store.chunk_ids import hashed_chunk_id
from tests.support.cli_process import newsbot
from tests.support.corpus import write_corpus
from tests.support.chroma_view import live_chroma

H1, H2 = "a" * 64, "b" * 64


def _chunks(source, article, content_hash, positions):
    return tuple(Chunk(hashed_chunk_id(article, content_hash, p), source, article) for p in positions)


def test_a_consistent_inventory_has_no_problem():
    inventory = Inventory(frozenset({"s"}), {"s": {"x": H1, "y": H2}}, _chunks("s", "x", H1, [0, 1]) + _chunks("s", "y", H2, [0]))
    assert check(inventory) == []


def test_every_kind_of_mismatch_is_found_and_planned():
    chunks = (_chunks("s", "whole", H1, [0, 1]) + _chunks("s", "twice", H1, [0, 1]) + _chunks("s", "twice", H2, [0])
              + _chunks("s", "half", H1, [1]) + _chunks("s", "orphan", H1, [0]) + _chunks("gone", "z", H1, [0]))
    inventory = Inventory(frozenset({"s"}), {"s": {"whole": H1, "twice": H1, "half": H1, "nochunks": H2},
                                             "old": {"q": H1}}, chunks, ("news-v7",))
    problems = check(inventory)
    kinds = {(p.kind, p.item) for p in problems}
    assert kinds == {("leftover-collection", "news-v7"), ("unconfigured-docstore", "old"),
                     ("incomplete-article", "twice"), ("incomplete-article", "half"), ("orphan-chunks", "orphan"),
                     ("unknown-source", "z"), ("missing-chunks", "nochunks")}
    repair = plan(inventory, problems)
    # the stale version of "twice" goes and its current one stays; "half" goes entirely and is forgotten
    assert sorted(repair.chunk_ids) == sorted([hashed_chunk_id("twice", H2, 0), hashed_chunk_id("half", H1, 1),
                                               hashed_chunk_id("orphan", H1, 0), hashed_chunk_id("z", H1, 0)])
    assert {k: sorted(v) for k, v in repair.forget.items()} == {"s": ["half", "nochunks"]}
    assert repair.docstores == ["old"] and repair.collections == ["news-v7"]


@pytest.fixture
def damaged(store_settings, fake_embedder, tmp_path):
    """An indexed corpus, then one of each kind of damage done to it directly in the stores."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, edition=1, count=6)
    store_settings.sources_file.write_text(f'[[source]]\nname = "corpus"\nkind = "folder"\nlocation = "{corpus}"\n')
    service = build_service(store_settings.model_copy(update={"chunk_tokens": 48, "chunk_overlap": 8}),
                            embedder=fake_embedder)
    service.index()
    assert service.doctor() == ([], [])
    live = service.indexer.target()
    records = live_chroma(service).get(include=["metadatas", "embeddings", "documents"])
    first, second = sorted({m["article_id"] for m in records["metadatas"]})[:2]
    one = next(i for i, m in zip(records["ids"], records["metadatas"]) if m["article_id"] == first)
    live_chroma(service).delete(ids=[one])  # an article left with part of its chunks
    service.indexer.forget_articles("corpus", [second])  # chunks whose article the docstore does not know
    stray = dict(records["metadatas"][0], source="unknown", article_id="stray")
    service.store.physical(live.name).upsert(ids=["stray#0"], embeddings=[records["embeddings"][0]], documents=["stray"],
                           metadatas=[stray])
    service.store.physical(service.store.next_version(), create=True)  # a full re-index that never finished
    service.stats = {"articles": 6, "chunks": len(records["ids"])}
    return service


def test_damage_is_reported_repaired_and_the_next_index_restores_everything(damaged):
    found, left = damaged.doctor()
    assert {p.kind for p in found} == {"incomplete-article", "orphan-chunks", "unknown-source", "leftover-collection"}
    assert left == found
    found, left = damaged.doctor(repair=True)
    assert len(found) == 4 and left == []
    report = damaged.index()
    assert len(report.updated) + len(report.added) == 2 and not report.errors
    assert damaged.doctor() == ([], [])
    assert live_chroma(damaged).count() == damaged.stats["chunks"]
    assert [s.articles for s in damaged.sources()] == [damaged.stats["articles"]]


@pytest.mark.slow
def test_doctor_on_the_command_line(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, edition=1, count=3)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "corpus"\nkind = "folder"\nlocation = "{corpus}"\n')
    env = {"NEWSBOT_SOURCES": str(sources)}
    assert newsbot("index", home=tmp_path / "home", env=env).returncode == 0
    clean = newsbot("doctor", home=tmp_path / "home", env=env)
    assert clean.returncode == 0 and clean.stdout.startswith("ok:"), clean.stderr
    sources.write_text("")  # the source removed from the config, its articles still indexed
    result = newsbot("doctor", "--json", home=tmp_path / "home", env=env)
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and {p["kind"] for p in payload["found"]} == {"unconfigured-docstore", "unknown-source"}
    repaired = newsbot("doctor", "--repair", home=tmp_path / "home", env=env)
    assert repaired.returncode == 0 and "repaired" in repaired.stdout.splitlines()[-1], repaired.stderr
    assert newsbot("doctor", home=tmp_path / "home", env=env).stdout.startswith("ok:")
