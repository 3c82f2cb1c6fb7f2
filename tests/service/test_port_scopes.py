"""The port speaks (scope, name): one source is indexed by its name within its scope, never by the name
the index gives it inside (`g<id>~name`), and what the port returns carries a typed `Scope`."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.errors import BadInput
from index.types import Scope
from tests.support.chroma_view import live_chroma

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _home_with_a_server_source(tmp_path: Path) -> tuple[Path, Path]:
    """A shared folder source `news` and server 42's folder source `club`, both holding the seed article."""
    for folder in (tmp_path / "news", tmp_path / "home" / "guilds" / "42" / "club"):
        folder.mkdir(parents=True)
        for seed in SEEDS.glob("*.txt"):
            shutil.copy(seed, folder / seed.name)
    (tmp_path / "home" / "guilds" / "42" / "sources.toml").write_text(
        '[[source]]\nname = "club"\nkind = "folder"\nlocation = "club"\n')
    shared = tmp_path / "sources.toml"
    shared.write_text('[[source]]\nname = "news"\nkind = "folder"\nlocation = "news"\n')
    return tmp_path / "home", shared


def test_one_source_is_indexed_by_its_scope_and_name(tmp_path, embedder):
    from index.app import build_service
    from index.settings import Settings

    home, shared = _home_with_a_server_source(tmp_path)
    service = build_service(Settings(home=home, sources_file=shared, openai_api_key=None, openai_base_url="",
                                     chroma_host=""), embedder=embedder)
    with pytest.raises(BadInput, match="unknown source 'g42~club'"):
        service.index(source="g42~club")  # the index's own name is not the port's
    with pytest.raises(BadInput, match="unknown source 'club'"):
        service.index(source="club")  # without scopes, a source is looked up among the shared ones

    report = service.index(source="club", scopes=[Scope.server(42)])
    assert len(report.added) == 1 and not report.errors
    [club] = service.sources([Scope.server(42)])
    assert (club.name, club.scope, club.articles) == ("club", Scope.server(42), 1) and club.chunks > 0
    stored = live_chroma(service).get(where={"scope": "g42"}, include=["metadatas"])["metadatas"]
    assert len(stored) == club.chunks and {m["source"] for m in stored} == {"g42~club"}  # as older versions wrote
    passages = service.search("Putin energy attacks", 3, scopes=(Scope.server(42),))
    assert passages and all(Scope.split(p.article_id)[0] == Scope.server(42) for p in passages)
    assert isinstance(club.scope, Scope) and not club.scope.is_shared
    [news] = service.sources([Scope.SHARED])
    assert (news.name, news.scope, news.articles) == ("news", Scope.SHARED, 0)  # not indexed by that run
    assert service.forget_scope(Scope.server(42)) == ["club"]
    assert service.sources() == [news]
