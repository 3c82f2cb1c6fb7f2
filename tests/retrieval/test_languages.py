"""Retrieval across languages (issue 30): BM25 reads a question in another language than English against the
passages in its own language; with MiniLM, which does not carry a question across languages, the question's
names reach the others. English questions are read as before. Real Chroma, the real MiniLM model."""
from __future__ import annotations

import pytest

from index.app import build_service
from index.retrieval.hybrid import bm25_scores, foreign
from index.settings import Settings
from index.types import Article
from index.text import terms
from tests.support.foreign_news import GERMAN

SEED_TITLE = "After call with Trump, Putin agrees to pause attacks"


@pytest.fixture(scope="module")
def mixed_service(tmp_path_factory, embedder):
    """The seed article (English) and three German articles in one index."""
    home = tmp_path_factory.mktemp("mixed-home")
    service = build_service(Settings(home=home), embedder=embedder)
    service.index()
    german = [Article(id=f"de/{slug}", title=title, text=text, source="nachrichten",
                      url=f"https://example.de/{slug}", published="2025-03-03")
              for slug, (title, text) in GERMAN.items()]
    service.indexer.index("nachrichten", german)
    service.store.bump_generation()
    return service


def test_only_a_told_language_other_than_english_is_foreign():
    assert foreign("de") and foreign("zh")
    assert not foreign("en") and not foreign(None)


def test_a_german_question_keeps_bm25_on_the_german_articles(mixed_service):
    passages = mixed_service.search("Wie viel kostete das neue Containerterminal im Hamburger Hafen?", k=3)
    assert passages[0].title.startswith("Hamburger Hafen")


def test_bm25_reads_german_articles_and_german_questions_in_german(mixed_service):
    from index.analysis import terms_in

    snapshot = mixed_service.retriever._snapshot()
    # the article says "Fernzüge", the question "Fernzug": one stem in German, two in English
    assert terms("Fernzüge") != terms("Fernzug") and terms_in("de", "Fernzüge") == terms_in("de", "Fernzug")
    question = "Welcher Fernzug ist betroffen?"
    assert "welch" not in terms_in("de", question)  # German question words are stop words, not evidence
    rows = snapshot.search(terms_in("de", question), 3)
    assert rows and snapshot.metadatas[rows[0][0]]["title"].startswith("Lokführer")
    # the English article is still read in English
    assert snapshot.document_frequency.get("agre", 0) >= 1 and snapshot.document_frequency.get("attack", 0) >= 1


def test_a_german_question_reaches_the_english_article_by_its_names(mixed_service):
    retriever = mixed_service.retriever
    query = retriever.embed_query("Welchen Angriffen hat Putin nach dem Telefonat mit Trump eine Pause zugestimmt?")
    assert query.language == "de"
    records: dict = {}
    dense, own_language, names = retriever._rankings(query, records)
    # BM25 on the question's own words reads German passages only (and in German: none of these three speaks
    # of Putin, and "dem", "eine", "hat" are German stop words, no longer evidence) ...
    assert all(records[i][1].get("source") == "nachrichten" for i in own_language)
    # ... and its names (Putin, Trump) the English ones
    assert names and all(records[i][1].get("source") != "nachrichten" for i in names)
    assert any(p.title.startswith(SEED_TITLE) for p in retriever.retrieve(query, 4))


def test_an_english_question_is_read_by_bm25_as_before(mixed_service):
    retriever = mixed_service.retriever
    query = retriever.embed_query("What did Putin agree to pause after his call with Trump?")
    records: dict = {}
    rankings = retriever._rankings(query, records)
    assert len(rankings) == 2  # dense and BM25, no names ranking
    snapshot = retriever._snapshot()
    unfiltered = retriever._bm25(query, {}, snapshot, bm25_scores(snapshot, terms(query.text), query.scopes))
    assert rankings[1] == unfiltered


def test_a_question_put_into_english_by_the_model_is_also_searched_in_english(mixed_service):
    retriever = mixed_service.retriever
    question = "Welchen Angriffen hat Putin nach dem Telefonat mit Trump eine Pause zugestimmt?"
    query = retriever.embed_query(question, english="What attacks did Putin agree to pause after his call with Trump?")
    assert query.language == "de" and query.english_vector is not None
    records: dict = {}
    rankings = retriever._rankings(query, records)
    assert len(rankings) == 5  # the question's own three, then dense and BM25 on its English wording
    english_dense, english_bm25 = rankings[3], rankings[4]
    assert records[english_bm25[0]][1].get("title", "").startswith(SEED_TITLE)
    assert records[english_dense[0]][1].get("source") != "nachrichten"
    assert retriever.retrieve(query, 1)[0].title.startswith(SEED_TITLE)
    # without a wording, the same question is searched as before
    assert len(retriever._rankings(retriever.embed_query(question), {})) == 3
