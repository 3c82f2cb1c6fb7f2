"""The facade (index/service/facade.py) offers exactly the port the adapters type against
(index/port.py), and answers through it on the seed article: offline, the writer is the extractive one."""
from __future__ import annotations

import inspect
from datetime import date

import pytest

from index.answering.writers import ExtractiveWriter
from index.errors import BadInput
from index.port import NewsPort
from index.service.facade import NewsService
from tests.support.language_questions import EDGE, MIXED

PORT_METHODS = [name for name, _ in inspect.getmembers(NewsPort, inspect.isfunction) if not name.startswith("_")]


def test_the_service_implements_every_method_of_the_port_with_its_parameters():
    assert len(PORT_METHODS) >= 12
    for name in PORT_METHODS:
        port = inspect.signature(getattr(NewsPort, name))
        service = inspect.signature(getattr(NewsService, name))
        assert list(port.parameters) == list(service.parameters), name


def test_offline_the_service_answers_with_the_extractive_writer(seed_service):
    assert isinstance(seed_service.writer, ExtractiveWriter) and not seed_service.streams()
    answer = seed_service.ask("What did Putin agree to?")
    assert answer.citations and "[1]" in answer.text
    [streamed] = list(seed_service.ask_stream("What did Putin agree to?"))
    assert streamed.text == answer.text


def test_citation_records_name_the_source_of_each_cited_chunk(seed_service):
    answer = seed_service.ask("What did Putin agree to?")
    records = seed_service.citation_records(answer.citations)
    assert [r["n"] for r in records] == [c.n for c in answer.citations]
    assert all(r["source"] not in ("", "?") and r["scope"] == "shared" for r in records)


@pytest.mark.slow
def test_questions_in_other_languages_and_odd_shapes_get_an_answer_or_a_plain_refusal(seed_service):
    spanish = seed_service.ask("¿Qué dijo Macron sobre los aranceles?")
    assert spanish.refused and spanish.text == "No encontré eso en los artículos indexados."
    short = seed_service.ask("Putin?", language="es")  # its own language unknown: the one given
    assert not short.refused and short.text.endswith("(citado en inglés)")
    for question in [q for q in EDGE if any(ch.isalnum() for ch in q)] + list(MIXED):
        answer = seed_service.ask(question)
        assert answer.refused or answer.citations, question
    for question in ("🔥🔥🔥", "?"):  # nothing to ask: the one line every edge shows for such input
        with pytest.raises(BadInput, match="some words"):
            seed_service.ask(question)
    digest = seed_service.digest(since=date(2025, 3, 1), language="de")
    assert digest.stories and all(s.summary.endswith("(zitiert auf Englisch)") for s in digest.stories)


def test_an_empty_index_names_the_indexes_other_embedding_models_filled(tmp_path, fake_embedder):
    from index.app import build_service
    from index.settings import Settings
    from tests.support.hashing_embedder import HashingEmbedder

    class OtherModel(HashingEmbedder):
        name = "another-model"

    first = build_service(Settings(home=tmp_path), embedder=fake_embedder)
    assert first.is_empty() and first.indexed_by_other_models() == []
    first.index()  # the seed article, the default source
    second = build_service(Settings(home=tmp_path), embedder=OtherModel())
    assert second.is_empty() and second.indexed_by_other_models() == ["news-hashing-bag-of-words"]
    assert first.indexed_by_other_models() == []  # its own index, whatever its version, is not another's
