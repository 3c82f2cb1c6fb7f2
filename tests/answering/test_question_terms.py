"""A question's content words read in its own language: its stop words out, its stemmer, the index's IDF."""

import pytest

from index.answering.question_terms import STEMMERS, STOPWORDS_DIR, Analyzer, read_stop_words, stop_words
from index.text import terms

def test_german_function_words_are_not_content_words_and_words_are_stemmed_in_german():
    question = "Wer wurde der neue Präsident von Syrien, und was hat er gesagt?"
    assert terms(question)[:4] == ["wer", "wurd", "der", "neue"]  # the index's English reading keeps them
    assert Analyzer("de").terms(question) == ["prasident", "syri"]
    # "Arbeitsplätze" and "Arbeitsplatz" are one term in German, two in English
    assert Analyzer("de").terms("Arbeitsplätze") == Analyzer("de").terms("Arbeitsplatz")

@pytest.mark.parametrize("language, question, kept", [
    ("es", "¿Cuántos trabajadores dijo la empresa que despediría según el informe?", {"trabaj", "empres", "desped", "inform"}),
    ("fr", "Combien de travailleurs l'entreprise a-t-elle licenciés selon le rapport ?", {"travailleur", "entrepris", "licenci", "rapport"}),
    ("it", "Quanti lavoratori ha licenziato l'azienda secondo il rapporto?", {"lavor", "licenz", "azi", "rapport"}),
    ("pt", "Quantos trabalhadores a empresa demitiu segundo o relatório?", {"trabalh", "empres", "demit", "relatóri"}),
])
def test_each_language_drops_its_own_question_words(language, question, kept):
    assert set(Analyzer(language).terms(question)) == kept

def test_numbers_and_chinese_are_read_as_the_index_reads_them():
    assert Analyzer("de").terms("Kostete es 480 Millionen?") == ["kost", "million", "480"]
    assert Analyzer("zh").terms("西湖隧道什么时候通车？") == terms("西湖隧道什么时候通车？")
    for language in (None, "en", "zh"):  # no reading of their own here: exactly the index's
        assert Analyzer(language).terms("Who said the tariffs were new?") == terms("Who said the tariffs were new?")

def test_a_term_weighs_the_index_idf_of_the_word_it_came_from():
    index_idf = {"hafen": 2.0, "containertermin": 5.0}.get  # the index's terms: English stems

    def idf(term: str) -> float:
        return index_idf(term) or 7.0

    weigh = Analyzer("de").weight("Was kostete das Containerterminal im Hafen?", idf)
    assert weigh(Analyzer("de").terms("Containerterminal")[0]) == 5.0  # "containertermin" to the index
    assert weigh("hafen") == 2.0
    assert weigh("unbekannt") == 7.0  # a term of no word of the question: its own IDF
    assert Analyzer("en").weight("What?", idf) is idf

def test_the_stop_word_files_are_read_once_per_language_and_comments_are_left_out(tmp_path):
    path = tmp_path / "xx.txt"
    path.write_text("# a comment\nDer\n\n die # the article\n", encoding="utf-8")
    assert read_stop_words(path) == {"der", "die"}
    for language in STEMMERS:
        assert (STOPWORDS_DIR / f"{language}.txt").is_file() and len(stop_words(language)) > 100
        assert stop_words(language) is stop_words(language)


@pytest.mark.parametrize("text", ["", "🔥🔥🔥", "2024?", "Что согласился сделать Путин?", "Putin 同意了什么 deal?"])
def test_odd_input_gives_terms_or_none_and_never_fails(text):
    for language in (None, *STEMMERS, "zh"):
        found = Analyzer(language).terms(text)
        assert isinstance(found, list) and all(isinstance(t, str) and t for t in found)
