"""The BM25 snapshot of a new generation, built from the previous one, equals one built from scratch."""
from __future__ import annotations

from index.app import build_service
from index.store.lexical import build_snapshot
from tests.test_ingest import _write


def test_a_delta_snapshot_equals_a_full_rebuild(store_settings, embedder, tmp_path):
    folder = tmp_path / "articles"
    for name in ("alpha", "beta", "gamma"):
        _write(folder, f"{name}.txt", f"{name.title()} title", name)
    store_settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n')
    service = build_service(store_settings, embedder=embedder)
    service.index()
    before = service.lexical.snapshot()
    assert before.tokens is not None and len(before.tokens) == len(before.ids)
    _write(folder, "delta.txt", "Delta title", "delta")
    (folder / "beta.txt").unlink()
    _write(folder, "gamma.txt", "Gamma title", "epsilon")  # changed: new chunk ids
    service.index()
    after = service.lexical.snapshot()  # built by the index run from `before`
    full = build_snapshot(service.store.physical(service.store.live_name()), "scratch")
    assert after.generation != before.generation
    assert sorted(after.ids) == sorted(full.ids) and after.document_frequency == full.document_frequency
    assert "beta" not in after.document_frequency and after.document_frequency["delta"] > 0
    for query in (["delta", "committe"], ["alpha"], ["epsilon", "plan"]):
        ranked = [(after.ids[row], round(score, 5)) for row, score in after.search(query, 5)]
        assert ranked == [(full.ids[row], round(score, 5)) for row, score in full.search(query, 5)]
