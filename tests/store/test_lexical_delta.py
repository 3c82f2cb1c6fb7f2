"""The BM25 snapshot of a new generation, built from the previous one, equals one built from scratch."""
from __future__ import annotations

from index.app import build_service
from index.store.bm25_postings import PostingsBM25
from index.store.lexical import build_snapshot
from tests.support.corpus import write_article


def test_a_delta_snapshot_equals_a_full_rebuild(store_settings, fake_embedder, tmp_path):
    folder = tmp_path / "articles"
    for name in ("alpha", "beta", "gamma"):
        write_article(folder, f"{name}.txt", f"{name.title()} title", name)
    store_settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n')
    service = build_service(store_settings, embedder=fake_embedder)
    service.index()
    before = service.lexical.snapshot()
    assert isinstance(before.bm25, PostingsBM25) and before.bm25.size == len(before.ids)
    before.scopes_of_rows()  # row labels are carried into the next generation
    write_article(folder, "delta.txt", "Delta title", "delta")
    (folder / "beta.txt").unlink()
    write_article(folder, "gamma.txt", "Gamma title", "epsilon")  # changed: new chunk ids
    service.index()
    after = service.lexical.snapshot()  # built by the index run from `before`
    full = build_snapshot(service.store.chunks, "scratch")
    assert after.generation != before.generation
    assert sorted(after.ids) == sorted(full.ids) and after.document_frequency == full.document_frequency
    assert "beta" not in after.document_frequency and after.document_frequency["delta"] > 0
    assert after.bm25.size == len(after.ids) == len(after.texts) == len(after.metadatas)
    assert {i: s for i, s in zip(after.ids, after.scopes_of_rows())} == dict(zip(full.ids, full.scopes_of_rows()))
    for query in (["delta", "committe"], ["alpha"], ["epsilon", "plan"]):
        # the delta appends new rows where a rebuild has the collection's order: compare by id
        ranked = sorted((-round(score, 5), after.ids[row]) for row, score in after.search(query, 5))
        assert ranked == sorted((-round(score, 5), full.ids[row]) for row, score in full.search(query, 5))
        assert ranked and all(after.texts[after.ids.index(i)] == full.texts[full.ids.index(i)] for _, i in ranked)
