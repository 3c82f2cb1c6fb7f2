"""Incremental indexing on real Chroma (embedded and server): unchanged, changed, deleted, per source."""
from pathlib import Path

import pytest

from index.app import build_service
from index.errors import BadInput, IndexBusy
from index.store.locking import exclusive
from tests.support.chroma_view import live_chroma
from tests.support.corpus import write_article


def _chunk_ids(service, source=None):
    where = {"source": source} if source else None
    return sorted(live_chroma(service).get(where=where, include=[])["ids"])


@pytest.fixture
def service(store_settings, fake_embedder, tmp_path):
    folder = tmp_path / "articles"
    write_article(folder, "a.txt", "Alpha title", "alpha")
    write_article(folder, "b.txt", "Beta title", "beta")
    store_settings.sources_file.write_text(
        f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n'
        f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{Path(__file__).parents[2] / "seeds"}"\n')
    svc = build_service(store_settings, embedder=fake_embedder)
    svc.folder = folder
    return svc


def test_reindexing_an_unchanged_corpus_embeds_nothing(service):
    first = service.index()
    assert sorted(first.added) == sorted(["Alpha title", "Beta title", first.added[-1]]) and first.chunks_embedded > 2
    before = _chunk_ids(service)
    second = service.index()
    assert second.chunks_embedded == 0 and not (second.added or second.updated or second.deleted)
    assert len(second.unchanged) == 3
    assert _chunk_ids(service) == before


def test_changed_article_replaces_its_chunks_and_deleted_one_goes(service):
    service.index()
    write_article(service.folder, "a.txt", "Alpha title", "gamma")
    (service.folder / "b.txt").unlink()
    report = service.index()
    assert report.updated == ["Alpha title"] and report.deleted == ["Beta title"]
    texts = live_chroma(service).get(where={"source": "local"}, include=["documents"])["documents"]
    assert texts and all("gamma" in t and "alpha" not in t and "beta" not in t for t in texts)
    # no orphans: every chunk belongs to an article the docstore knows
    ids = _chunk_ids(service, "local")
    assert len({i.split("#")[0] for i in ids}) == 1


def test_one_source_is_indexed_without_touching_the_others(service):
    service.index()
    seeds_before = _chunk_ids(service, "seeds")
    (service.folder / "a.txt").unlink()
    report = service.index(source="local")
    assert report.deleted == ["Alpha title"]
    assert _chunk_ids(service, "seeds") == seeds_before
    with pytest.raises(BadInput, match="unknown source"):
        service.index(source="nope")


def test_a_source_removed_from_the_config_is_deleted(service):
    service.index()
    text = service.settings.sources_file.read_text()
    service.settings.sources_file.write_text(text.split("[[source]]\nname = \"seeds\"")[0])
    report = service.index()
    assert len(report.deleted) == 1 and _chunk_ids(service, "seeds") == []
    assert [s.name for s in service.sources()] == ["local"]


def test_full_reindex_re_embeds_everything(service):
    first = service.index()
    again = service.index(full=True)
    assert again.chunks_embedded == first.chunks_embedded
    assert len(_chunk_ids(service)) == first.chunks_embedded


def test_a_full_reindex_reports_against_what_was_indexed_before(service):
    first = service.index()
    changed = service.folder / "a.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA paragraph added after the first run.\n",
                       encoding="utf-8")
    write_article(service.folder, "c.txt", "Gamma title", "gamma")
    again = service.index(full=True)
    assert again.added == ["Gamma title"] and again.updated == ["Alpha title"] and again.deleted == []
    assert sorted(again.unchanged) == sorted(set(first.added) - {"Alpha title"})


def test_a_second_reindex_is_refused_while_one_runs(service):
    with exclusive(service.paths.lock):
        with pytest.raises(IndexBusy, match="already running"):
            service.index()


def test_sources_report_counts(service):
    service.index()
    statuses = {s.name: s for s in service.sources()}
    assert statuses["local"].articles == 2 and statuses["local"].chunks == len(_chunk_ids(service, "local"))
    assert statuses["seeds"].last_indexed


def test_collections_carry_no_chroma_embedding_function(service):
    service.index()
    config = live_chroma(service).configuration_json
    assert config.get("embedding_function") is None
    assert config["hnsw"]["space"] == "cosine"


def test_what_a_killed_run_wrote_is_finished_without_re_embedding_and_reported_against_the_last_run(
        service, monkeypatch):
    from index.indexing.docstores import FileDocstoreShelf

    service.index()
    write_article(service.folder, "a.txt", "Alpha title", "gamma")  # changed
    write_article(service.folder, "c.txt", "Gamma title", "delta")  # new

    def killed(*args, **kwargs):  # the run dies after writing the chunks, before its docstore is saved
        raise KeyboardInterrupt

    monkeypatch.setattr(FileDocstoreShelf, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        service.index(source="local")
    monkeypatch.undo()
    report = service.index(source="local")
    assert report.chunks_embedded == 0  # the chunks of the killed run are complete: not embedded again
    assert report.updated == ["Alpha title"] and report.added == ["Gamma title"]  # as since the last run
    assert report.unchanged == ["Beta title"]
    texts = live_chroma(service).get(where={"source": "local"}, include=["documents"])["documents"]
    assert not any("alpha" in t for t in texts)  # the replaced chunks are gone
    again = service.index(source="local")
    assert len(again.unchanged) == 3 and again.chunks_embedded == 0
