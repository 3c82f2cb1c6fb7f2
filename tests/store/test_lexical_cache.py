"""The BM25 snapshot on disk (index/store/lexical_cache.py): a refresh appends its change to a log, another
process replays base and log instead of rebuilding, and a log it cannot follow costs an update, never a
wrong index."""
from __future__ import annotations

import pytest

from index.app import build_service
from index.store import lexical
from index.store.lexical import build_snapshot
from tests.support.corpus import write_article

TOPICS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa") + tuple(
    f"{name}{n}" for n in ("x", "y") for name in ("omicron", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"))


@pytest.fixture
def indexed(store_settings, fake_embedder, tmp_path):
    """A service over 26 one-article files, indexed once (the base file is written)."""
    folder = tmp_path / "articles"
    for name in TOPICS:
        write_article(folder, f"{name}.txt", f"{name.title()} title", name)
    store_settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n')
    service = build_service(store_settings, embedder=fake_embedder)
    service.index()
    return service, folder


def ranked(snapshot, query: list[str]) -> list[tuple[float, str]]:
    return sorted((-round(score, 5), snapshot.ids[row]) for row, score in snapshot.search(query, 8))


def assert_as_scratch(snapshot, service) -> None:
    full = build_snapshot(service.store.chunks, "scratch")
    assert sorted(snapshot.ids) == sorted(full.ids) and snapshot.document_frequency == full.document_frequency
    for query in (["lambda"], ["alpha", "committe"], ["plan"]):
        assert ranked(snapshot, query) == ranked(full, query)


def another_process(service, monkeypatch, rebuild_allowed: bool):
    """The snapshot a fresh service on the same home gets (failing if it had to build one)."""
    if not rebuild_allowed:
        monkeypatch.setattr(lexical, "build_snapshot", lambda *a, **k: pytest.fail("the BM25 index was rebuilt"))
    fresh = build_service(service.settings, embedder=service.embedder)
    snapshot = fresh.lexical.snapshot()
    monkeypatch.undo()
    return snapshot


def test_a_refresh_appends_to_the_log_and_another_process_replays_it(indexed, monkeypatch):
    service, folder = indexed
    base = service.paths.lexical_cache
    written = base.stat().st_mtime_ns
    write_article(folder, "lambda.txt", "Lambda title", "lambda")  # one new article
    service.index()
    assert base.stat().st_mtime_ns == written and base.with_suffix(".log").stat().st_size > 0
    snapshot = another_process(service, monkeypatch, rebuild_allowed=False)
    assert snapshot.generation == service.lexical.snapshot().generation
    assert_as_scratch(snapshot, service)


def test_a_removed_article_is_replayed_too(indexed, monkeypatch):
    service, folder = indexed
    (folder / "beta.txt").unlink()
    service.index()
    snapshot = another_process(service, monkeypatch, rebuild_allowed=False)
    assert "beta" not in snapshot.document_frequency
    assert_as_scratch(snapshot, service)


def test_a_torn_log_costs_an_update_and_a_new_base(indexed, monkeypatch):
    service, folder = indexed
    write_article(folder, "lambda.txt", "Lambda title", "lambda")
    service.index()
    log = service.paths.lexical_cache.with_suffix(".log")
    log.write_bytes(log.read_bytes()[:-20])  # the refresh's record, cut short by a crash
    snapshot = another_process(service, monkeypatch, rebuild_allowed=True)
    assert_as_scratch(snapshot, service)
    assert not log.exists()  # the update from the base was saved as a new base


def test_a_record_that_does_not_follow_ends_the_replay(indexed, monkeypatch):
    service, folder = indexed
    log = service.paths.lexical_cache.with_suffix(".log")
    write_article(folder, "lambda.txt", "Lambda title", "lambda")
    service.index()
    first = log.read_bytes()
    write_article(folder, "mu.txt", "Mu title", "mu")
    service.index()
    log.write_bytes(first + log.read_bytes()[len(first):] + first)  # the first record again, from an older generation
    snapshot = another_process(service, monkeypatch, rebuild_allowed=False)  # the two that follow suffice
    assert_as_scratch(snapshot, service)
    fresh = build_service(service.settings, embedder=service.embedder)
    fresh.lexical.snapshot()
    write_article(folder, "nu.txt", "Nu title", "nu")
    fresh.index()  # its change cannot be appended after a record replay stops at: a new base
    assert not log.exists()
    assert_as_scratch(another_process(service, monkeypatch, rebuild_allowed=False), service)


def test_a_large_change_writes_a_new_base(indexed, monkeypatch):
    service, folder = indexed
    base = service.paths.lexical_cache
    written = base.stat().st_mtime_ns
    for name in TOPICS[:8]:  # more than an eighth of the articles change
        write_article(folder, f"{name}.txt", f"{name.title()} title", f"{name} again")
    service.index()
    assert base.stat().st_mtime_ns != written and not base.with_suffix(".log").exists()
    assert_as_scratch(another_process(service, monkeypatch, rebuild_allowed=False), service)


def test_a_snapshot_made_by_another_reading_of_the_chunks_is_built_again(indexed, monkeypatch):
    service, _folder = indexed
    import pickle
    from dataclasses import replace

    base = service.paths.lexical_cache
    snapshot = pickle.loads(base.read_bytes())
    assert snapshot.analysis == lexical.ANALYSIS
    # one written before chunks were read in their own language (issue 30): no `analysis`, so the class's 0
    old = replace(snapshot)
    del old.__dict__["analysis"]
    base.write_bytes(pickle.dumps(old))
    base.with_suffix(".log").unlink(missing_ok=True)
    built = []
    monkeypatch.setattr(lexical, "build_snapshot", lambda *a, **k: built.append(1) or build_snapshot(*a, **k))
    fresh = build_service(service.settings, embedder=service.embedder)
    assert fresh.lexical.snapshot().analysis == lexical.ANALYSIS and built
    assert pickle.loads(base.read_bytes()).analysis == lexical.ANALYSIS
