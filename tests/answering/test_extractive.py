"""Answers over the seed article: cited, correct, refused when the articles do not say."""
import json
from datetime import date

import pytest

from bot.output import answer_json, search_json
from index.errors import BadInput
from tests.support.paths import SEED_ARTICLE
from index.sources.articles import parse_plain_article

SEED_TEXT = parse_plain_article(SEED_ARTICLE.read_text(encoding="utf-8"), source="seeds", key="k").text


def test_putin_question_is_answered_with_the_energy_pause_and_cited(seed_service):
    answer = seed_service.ask("What did Putin agree to?")
    assert not answer.refused
    text = answer.text.lower()
    assert "energy" in text and "infrastructure" in text and ("halt" in text or "pause" in text)
    assert answer.citations and [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.text
        assert citation.quote in SEED_TEXT  # the quote is the exact passage of the article
        assert citation.source == "CNN" and citation.published.startswith("2025-03-19")
        assert citation.title.startswith("After call with Trump, Putin agrees")


def test_every_quoted_sentence_comes_from_its_cited_passage(seed_service):
    answer = seed_service.ask("Who proposed hockey matches?")
    quotes = {c.n: c.quote for c in answer.citations}
    for sentence, n in _quoted_sentences(answer.text):
        assert sentence in quotes[n]


def _quoted_sentences(text):
    import re

    return [(m.group(1).strip("“”"), int(m.group(2))) for m in re.finditer(r"(.+?) \[(\d+)\]\s*", text)]


def test_unrelated_question_is_refused_with_the_closest_articles(seed_service):
    answer = seed_service.ask("What did Putin say about Taiwan?")
    assert answer.refused and answer.citations == ()
    assert "couldn't find" in answer.text
    assert answer.closest and answer.closest[0].title.startswith("After call with Trump")


@pytest.mark.parametrize("question", ["", "   ", "🙂🙂🙂", "\u200b\u200b", "<@123> @everyone", "x" * 10_000])
def test_unusable_questions_get_a_clear_message(seed_service, question):
    with pytest.raises(BadInput) as caught:
        seed_service.ask(question)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 120


@pytest.mark.parametrize("question", ["```what did putin agree to```", "**What** did Putin\u200b agree to?",
                                      "<@42> what did putin agree to"])
def test_markdown_mentions_and_invisible_characters_are_ignored(seed_service, question):
    answer = seed_service.ask(question)
    assert not answer.refused and "energy" in answer.text


def test_json_contract_of_ask_and_search(seed_service):
    payload = answer_json(seed_service.ask("What did Putin agree to?", as_of=date(2025, 3, 20)))
    assert set(payload) == {"answer", "refused", "citations"}
    later = answer_json(seed_service.ask("What did Putin agree to?", as_of=date(2025, 6, 1)))
    assert later["age_note"] == "The newest article on this is from 19 March."
    assert set(payload["citations"][0]) == {"n", "title", "source", "url", "published", "quote"}
    json.dumps(payload)
    rows = search_json(seed_service.search("hockey matches", 3))
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert set(rows[0]) == {"rank", "score", "text", "title", "url", "article_id"}
    assert "hockey" in rows[0]["text"]
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]


def test_follow_up_carries_the_previous_question(seed_service):
    from index.types import Turn

    first = seed_service.ask("What did Zelensky say about the energy pause?")
    follow = seed_service.ask("Will his side support it?", history=[Turn("What did Zelensky say about the energy pause?", first.text)])
    assert not follow.refused and "support" in follow.text.lower()


def test_summary_of_the_seed_article_and_of_a_topic(seed_service):
    title = "After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure targets"
    article = seed_service.summarize(title)
    assert not article.refused and len(article.citations) >= 1
    assert all(c.quote in SEED_TEXT for c in article.citations)
    topic = seed_service.summarize("energy ceasefire")
    assert not topic.refused and "energy" in topic.text.lower()
    assert seed_service.summarize("Taiwan semiconductor exports").refused


def test_titles_autocomplete(seed_service):
    refs = seed_service.titles("after call")
    assert refs and refs[0].title.startswith("After call with Trump")
    assert seed_service.titles("zzz-no-such-title") == []


def test_a_brief_summary_tells_its_headlines_fact_and_never_quotes_boilerplate_or_questions(embedder):
    from index.answering.extractive import summarize
    from index.types import Passage

    text = ("AI-assisted summary: this page summarizes reporting on the Masters and its weather. "
            "When does the Masters start? Augusta National has hosted the tournament every April since 1934. "
            "Scottie Scheffler won the Masters on Sunday, beating Rory McIlroy by two strokes at Augusta National. "
            "Fans packed the course despite rain delays on Saturday afternoon. "
            "Sign up for our golf newsletter to get every round's results.")
    passage = Passage(chunk_id="m#0", article_id="m", text=text, title="Scheffler wins the Masters by two strokes",
                      source="s", published="2025-04-13")
    brief = summarize([passage], embedder.embed, max_sentences=2, headline=passage.title)
    assert "Scottie Scheffler won the Masters on Sunday" in brief.text
    for never in ("AI-assisted", "this page summarizes", "When does", "Sign up"):
        assert never not in brief.text
    whole = summarize([passage], embedder.embed, max_sentences=5)
    assert whole.text.count("[1]") == 3 and "?" not in whole.text and "newsletter" not in whole.text


# --- questions in another language than the passages (issue 30): pure, with a stand-in embedder ----------------

import numpy as np  # noqa: E402

from index.answering import extractive  # noqa: E402
from index.answering.question_terms import Analyzer  # noqa: E402
from index.text import terms  # noqa: E402
from index.types import Passage  # noqa: E402

DELAWARE = ("Chronic absence in Delaware schools", "State data released on Monday show that about 25% of students in "
            "Wilmington, Delaware were chronically absent last school year. Officials said attendance improved.")
TUNNEL = ("西湖隧道五月一日通车", "杭州市政府周二宣布，西湖隧道将于五月一日正式通车。这条隧道全长三点二公里，连接西湖区和上城区。")


def _passages(*articles: tuple[str, str]) -> list[Passage]:
    return [Passage(f"c{n}", f"a{n}", text, title, "news") for n, (title, text) in enumerate(articles)]


def _index_idf(*articles: tuple[str, str]):
    """The IDF of an index holding `articles` (a word it never saw gets the highest)."""
    known = {t for title, text in articles for t in terms(f"{title} {text}")}
    return lambda term: 1.0 if term in known else 5.0


def _similar_to_everything(texts: list[str]) -> np.ndarray:
    """A stand-in embedder for which every text means the same: the dense similarity always supports."""
    return np.ones((len(texts), 4)) / 2.0


def _ask(question: str, analyzer: Analyzer, *articles: tuple[str, str]):
    return extractive.answer(question, np.ones(4) / 2.0, _passages(*articles), _similar_to_everything,
                             _index_idf(*articles), analyzer=analyzer)


def test_a_german_question_about_an_english_article_is_compared_on_the_words_both_share():
    question = "Wie viel Prozent der Schüler in Wilmington (Delaware) fehlen laut aktuellen Daten chronisch?"
    assert _ask(question, Analyzer(), DELAWARE).refused  # read as English: "der", "laut", "prozent"… all missing
    assert _ask(question, Analyzer("de", across=False), DELAWARE).refused  # German words cannot occur in English
    found = _ask(question, Analyzer("de"), DELAWARE)  # "Wilmington", "Delaware": the words the index knows, there
    assert not found.refused and "25% of students in Wilmington, Delaware" in found.text


def test_a_foreign_question_sharing_fewer_than_two_known_words_is_refused():
    assert _ask("Wie viel Prozent der Schüler in Delaware fehlen chronisch?", Analyzer("de"), DELAWARE).refused  # one
    assert _ask("Was hat Zorblax über den Hafen gesagt?", Analyzer("de"), DELAWARE).refused  # none


def test_an_english_question_about_a_chinese_article_is_refused_even_when_the_embedding_agrees():
    # its words cannot occur in Chinese text, and MiniLM's cosine cannot tell (docs/benchmarks/issue-30-language-id.md)
    assert _ask("When will the West Lake tunnel open?", Analyzer("en"), TUNNEL).refused
    assert _ask("When will the West Lake tunnel open?", Analyzer(), TUNNEL).refused
