"""A question's content words read in its own language: its stop words out, its stemmer, the index's IDF."""

import pytest

from index.analysis import STEMMERS, STOPWORDS_DIR, read_stop_words, stop_words
from index.answering.question_terms import Analyzer
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

def test_a_term_no_chunk_holds_weighs_the_index_idf_of_the_english_reading_of_its_word():
    index_idf = {"hafen": 2.0, "containertermin": 5.0}.get  # an index of English chunks: English stems

    def idf(term: str) -> float:
        return index_idf(term) or 7.0

    weigh = Analyzer("de").weight("Was kostete das Containerterminal im Hafen?", idf)
    assert weigh(Analyzer("de").terms("Containerterminal")[0]) == 5.0  # "containertermin" to the index
    assert weigh("hafen") == 2.0
    assert weigh("unbekannt") == 7.0  # a term of no word of the question: its own IDF
    assert Analyzer("en").weight("What?", idf)("what") == 7.0


def test_a_german_stem_the_german_chunks_hold_weighs_its_own_idf_and_is_not_shared_across_languages():
    german = Analyzer("de").terms("Arbeitsplätze")[0]
    index_idf = {german: 3.0, "putin": 4.0}.get  # German chunks indexed in German (index/analysis.py)

    def idf(term: str) -> float:
        return index_idf(term) or 7.0

    weigh = Analyzer("de").weight("Wie viele Arbeitsplätze hat Putin versprochen?", idf)
    assert weigh(german) == 3.0
    # its English reading ("arbeitsplätz") is no word of an English text: not one to compare English text on
    assert weigh.across(german) == 7.0 and weigh.across("putin") == 4.0

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


def test_a_chunk_is_indexed_in_the_language_of_its_text():
    from index.analysis import indexed_terms, terms_in

    title, text = "Lokführer kündigen Streik an", ("Die Gewerkschaft der Lokführer hat für Donnerstag einen Streik "
                                                   "angekündigt. Betroffen sind vor allem Fernzüge zwischen Berlin und Köln.")
    assert indexed_terms(title, text) == terms_in("de", f"{title}\n{text}")
    assert "der" not in indexed_terms(title, text) and Analyzer("de").terms("Fernzug")[0] in indexed_terms(title, text)
    english = ("After call with Trump, Putin agrees to pause attacks", "Russian President Vladimir Putin agreed to "
               "temporarily halt attacks on energy and infrastructure targets in Ukraine after a call.")
    assert indexed_terms(*english) == terms("\n".join(english))  # English chunks: exactly as before
    chinese = ("西湖隧道五月一日通车", "杭州市政府周二宣布，西湖隧道将于五月一日正式通车。")
    assert indexed_terms(*chinese) == terms("\n".join(chinese))
    assert indexed_terms("", "Putin?") == terms("\nPutin?")  # a language not told: the English reading
