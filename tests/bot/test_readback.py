"""An answer's titles in its language, and the answer read back from its message in any language (after a
restart): the real phrase files (prompts/phrases/), every language of them."""
import pytest

from bot.discord.readback import language_of_titles, read_back, section_titles
from bot.discord.render import answer_messages
from index.answering.phrases import load_phrases
from index.port import LANGUAGES
from index.settings import PROMPTS_DIR
from index.types import Answer, ArticleRef, Citation

CITATION = Citation(1, "Putin agrees to pause attacks", "news", "https://cnn.com/a", "2025-03-19",
                    "Putin agreed to temporarily halt attacks.", outlet="CNN")
ANSWER = Answer("“Putin agreed to temporarily halt attacks.” [1]", False, (CITATION,))
REFUSAL = Answer("Nothing on that.", True, closest=(ArticleRef("Putin agrees to pause", "https://cnn.com/a", "CNN",
                                                               "2025-03-19"),))


@pytest.fixture(scope="module")
def words() -> dict[str, dict[str, str]]:
    """The phrases of every language, as `NewsPort.phrases` gives them to the adapter."""
    return {code: dict(phrases.texts) for code, phrases in load_phrases(PROMPTS_DIR / "phrases").items()}


def _pairs(messages) -> list[tuple[str, str]]:
    return [(e.get("title", ""), e.get("description", "")) for m in messages for e in m]


def test_a_german_answer_is_titled_quellen_and_a_german_refusal_lists_the_nachstliegende_artikel(words):
    [[main, sources]] = answer_messages(ANSWER, "Putin?", words["de"])
    assert main["title"] == "Putin?" and sources["title"] == "Quellen"
    [[refused, closest]] = answer_messages(REFUSAL, "Putin?", words["de"])
    assert refused["title"] == "In den indexierten Artikeln nicht gefunden"
    assert closest["title"] == "Nächstliegende Artikel"
    assert answer_messages(ANSWER, "Putin?")[0][1]["title"] == "Sources"  # without words: English


@pytest.mark.parametrize("code", LANGUAGES)
def test_an_answer_in_any_language_is_read_back_without_its_article_lists(words, code):
    sections = section_titles(words.values())
    question, text = read_back(_pairs(answer_messages(ANSWER, "Putin?", words[code])), sections)
    assert (question, text) == ("Putin?", answer_messages(ANSWER, "Putin?")[0][0]["description"])
    refused_question, refused_text = read_back(_pairs(answer_messages(REFUSAL, "Putin?", words[code])), sections)
    assert refused_text == "Nothing on that." and "Putin agrees" not in refused_text
    assert refused_question == words[code]["not_found_title"]


def test_the_language_of_a_message_is_told_from_its_titles_when_only_one_language_has_them(words):
    titles = [title for title, _ in _pairs(answer_messages(ANSWER, "Putin?", words["de"]))]
    assert language_of_titles(titles, words) == "de"
    assert language_of_titles(["Putin?", "Fuentes"], words) == "es"
    assert language_of_titles(["Putin?", "Sources"], words) is None  # English and French say "Sources"
    assert language_of_titles(["Putin?"], words) is None
