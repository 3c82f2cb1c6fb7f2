"""index/indexing/docstores.py and docstore_kv.py: the docstores of a physical collection behave the same in
the home's files and in the database (llama-index's KVDocumentStore over our BaseKVStore, both engines)."""
from __future__ import annotations

import pytest

from index.indexing.docstores import DatabaseDocstores, FileDocstores, docstore_ids
from index.store.database import open_database


@pytest.fixture(params=["files", "sqlite", "postgresql"])
def docstores(request, tmp_path):
    if request.param == "files":
        return FileDocstores(tmp_path / "docstore")
    if request.param == "sqlite":
        return DatabaseDocstores(open_database(tmp_path / "state.sqlite3"))
    return DatabaseDocstores(open_database(request.getfixturevalue("postgres").new_database()))


def test_hashes_survive_a_reload_and_deletions_follow(docstores):
    shelf = docstores.of("news-v1")
    docstore = shelf.load("g1~wire")
    docstore.set_document_hash("a", "h1")
    docstore.set_document_hash("b", "h2")
    shelf.save("g1~wire", docstore)
    again = docstores.of("news-v1").load("g1~wire")  # another process's view
    assert docstore_ids(again) == {"a", "b"} and again.get_document_hash("a") == "h1"
    again.delete_document("a", raise_error=False)
    again.delete_document("never", raise_error=False)
    shelf.save("g1~wire", again)
    assert docstore_ids(shelf.load("g1~wire")) == {"b"}
    assert shelf.exists("g1~wire") and not shelf.exists("other")


def test_sources_copies_and_collections(docstores):
    live, fresh = docstores.of("news-v1"), docstores.of("news-v2")
    for source, ids in (("wire", "ab"), ("wire.2", "c")):
        docstore = live.load(source)
        for article_id in ids:
            docstore.set_document_hash(article_id, f"h-{article_id}")
        live.save(source, docstore)
    assert live.sources() == ["wire", "wire.2"] and fresh.sources() == []
    live.copy("wire", fresh)
    live.copy("wire", fresh)  # twice: the same copy
    assert fresh.sources() == ["wire"] and docstore_ids(fresh.load("wire")) == {"a", "b"}
    assert docstores.collections() == ["news-v1", "news-v2"]
    live.delete("wire")
    assert live.sources() == ["wire.2"] and fresh.sources() == ["wire"]
    fresh.clear()
    assert docstores.collections() == ["news-v1"] and fresh.load("wire").get_document_hash("a") is None


def test_changes_are_seen_by_others_once_saved_as_a_file_is(docstores):
    """A run killed between writing its chunks and saving its docstore leaves the previous docstore."""
    shelf = docstores.of("news-v1")
    docstore = shelf.load("wire")
    docstore.set_document_hash("a", "h1")
    assert docstore.get_document_hash("a") == "h1"  # its own view
    assert shelf.load("wire").get_document_hash("a") is None  # not saved yet: nobody else's
    shelf.save("wire", docstore)
    docstore.delete_document("a", raise_error=False)
    assert docstore_ids(docstore) == set() and docstore_ids(shelf.load("wire")) == {"a"}
    shelf.save("wire", docstore)
    assert docstore_ids(shelf.load("wire")) == set()
