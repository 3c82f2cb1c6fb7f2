"""index.types.Scope and index/sources/scopes.py: names inside the index, filters, article ids, and where
server configs live."""
from __future__ import annotations

from index.store.chunks import ChunkFilter
import pytest

from index.sources.scopes import scope_specs, scoped_articles, server_scopes
from index.store.records import FileRecords
from index.types import Article, Scope
from tests.support.chroma_view import live_chroma


SHARED = Scope.SHARED


def test_names_inside_the_index_keep_servers_apart():
    assert SHARED.qualify("news") == "news"
    assert Scope.server(42).qualify("club") == "g42~club" != Scope.server(43).qualify("club")
    assert Scope.split("g42~club") == ("g42", "club") and Scope.split("news") == (SHARED, "news")
    assert Scope.split("not~a-server")[0] == SHARED  # only g<digits>~ names a server scope
    assert Scope.visible_from(None) == (SHARED,) and Scope.visible_from(42) == (SHARED, "g42")


def test_a_scope_is_the_word_the_index_stores():
    """Chunks keep `shared` or `g<id>` in their metadata: a Scope is exactly that string, typed."""
    assert str(Scope.shared()) == "shared" and type(str(Scope.server(42))) is str and str(Scope.server(42)) == "g42"
    assert Scope.SHARED.is_shared and Scope.SHARED.server_id is None
    assert not Scope.server(42).is_shared and Scope.server(42).server_id == 42 == Scope("g42").server_id
    assert Scope.server(42).label("club") == "club (server 42)" and SHARED.label("news") == "news"
    for wrong in ("", "g", "gx1", "g1~a", "Shared"):
        with pytest.raises(ValueError):
            Scope(wrong)


def test_chroma_filter_and_scoped_article_ids():
    assert ChunkFilter(scopes=("shared",)).to_where() == {"scope": "shared"}
    assert ChunkFilter(scopes=("shared", "g1")).to_where() == {"scope": {"$in": ["shared", "g1"]}}
    article = Article(id="abc", source="g1~club", title="t", text="x")
    assert [a.id for a in scoped_articles([article], "g1")] == ["g1~abc"]
    assert scoped_articles([article], SHARED) == [article]


def test_server_configs_live_under_guilds(tmp_path):
    shared = tmp_path / "sources.toml"
    shared.write_text('[[source]]\nname = "news"\nkind = "folder"\nlocation = "."\n')
    config = tmp_path / "guilds" / "42" / "sources.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[[source]]\nname = "club"\nkind = "url"\nlocation = "https://example.com/a"\n')
    records = FileRecords(tmp_path)
    assert server_scopes(records) == ["g42"]
    [(spec, folder)] = scope_specs(records, tmp_path, shared, "g42")
    assert (spec.name, folder) == ("g42~club", config.parent)
    assert [s.name for s, _ in scope_specs(records, tmp_path, shared, SHARED)] == ["news"]
    assert scope_specs(records, tmp_path, shared, "g7") == []


def test_an_index_from_before_scopes_gets_them_on_the_next_index_run(tmp_path, fake_embedder):
    """Chunks written without a `scope` (an older index) are stamped once, without re-embedding."""
    from index.app import build_service
    from index.settings import Settings
    from tests.support.paths import SEEDS

    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    service = build_service(Settings(home=tmp_path / "home", sources_file=sources), embedder=fake_embedder)
    service.index()
    ids = live_chroma(service).get(include=[])["ids"]
    live_chroma(service).update(ids=ids, metadatas=[{"scope": None}] * len(ids))  # as an older version wrote them
    for marker in (tmp_path / "home" / "state").glob("*.scoped"):
        marker.unlink()
    service.store.bump_generation()
    assert live_chroma(service).get(where={"scope": SHARED}, include=[])["ids"] == []  # what the dense side sees

    report = service.index()
    assert report.chunks_embedded == 0 and len(report.unchanged) == 1
    assert live_chroma(service).get(where={"scope": SHARED}, include=[])["ids"] == ids
    assert not service.ask("What did Putin agree to?").refused
