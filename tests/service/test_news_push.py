"""News as it arrives, in the core: an index run reports the articles it added and tells its listeners
(not for a full re-index), a followed topic matches a new article by the answer's support check (and an
unrelated one does not), and a question about a posted article gets that article's passages first."""
from __future__ import annotations

from index.app import build_service
from tests.support.scoped_sources import CHESS, ROWING, page, scoped_settings


def _write(folder, name: str, title: str, text: str) -> None:
    (folder / name).write_text(page(title, text), encoding="utf-8")


def test_new_articles_are_reported_and_announced_once(tmp_path, embedder):
    service = build_service(scoped_settings(tmp_path / "home"), embedder=embedder)
    heard: list[list] = []
    service.watch_new_articles(heard.append)
    first = service.index()
    assert len(first.new_articles) == 1 and first.new_articles[0].scope == "shared"
    articles = tmp_path / "home" / "articles"
    _write(articles, "2025-03-21-chess.txt", *CHESS)
    second = service.index()
    [new] = second.new_articles
    assert (new.title, new.source, new.scope) == (CHESS[0], "news", "shared")
    assert "Thursday evening" in new.lead and new.published.startswith("2025-03-21")
    assert [[a.article_id for a in batch] for batch in heard] == [[first.new_articles[0].article_id],
                                                                  [new.article_id]]
    assert service.index().new_articles == [] and len(heard) == 2  # unchanged: nothing new
    _write(articles, "2025-03-21-rowing.txt", *ROWING)
    full = service.index(full=True)
    assert len(heard) == 2, "a full re-index announces nothing"
    assert full.added  # (it re-added everything into a new collection)


def test_a_topic_matches_the_new_article_it_is_about_and_no_other(tmp_path, embedder):
    service = build_service(scoped_settings(tmp_path / "home"), embedder=embedder)
    service.index()
    articles = tmp_path / "home" / "articles"
    _write(articles, "2025-03-21-chess.txt", *CHESS)
    _write(articles, "2025-03-21-rowing.txt", *ROWING)
    ids = [a.article_id for a in service.index().new_articles]
    [chess] = service.matches("chess club meetings", ids, ("shared",))
    assert chess.title == CHESS[0] and chess.quote in page(*CHESS) and "chess" in chess.quote.lower()
    assert service.matches("central bank interest rates", ids, ("shared",)) == []
    assert service.matches("chess club meetings", ids, ("g42",)) == [], "another scope sees nothing"


def test_a_question_about_a_posted_article_quotes_it_first(tmp_path, embedder):
    service = build_service(scoped_settings(tmp_path / "home"), embedder=embedder)
    service.index()
    _write(tmp_path / "home" / "articles", "2025-03-21-rowing.txt", *ROWING)
    [rowing] = service.index().new_articles
    answer = service.ask("what did the coach say?", article=rowing.article_id)
    assert answer.citations and answer.citations[0].article_id == rowing.article_id
    assert "Tomas Brennan" in answer.text
