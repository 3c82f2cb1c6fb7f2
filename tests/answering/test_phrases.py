"""What newsbot says in each language: the phrase files, refusals in the asker's language, and the note that
names the language of quotes in another one; with a model, the request that asks for the asker's language."""
import tomllib
from datetime import date

import pytest

from index.answering.extractive import NOT_FOUND
from index.answering.phrases import load_phrases, localized, phrases_for
from index.answering.writers import ExtractiveWriter, GeneratedWriter, Question
from index.answering.prompts import load_prompts, template_variables
from index.app import build_llm
from index.errors import NewsbotError
from index.settings import PROMPTS_DIR, Settings
from index.text import LANGUAGES
from index.types import Answer, Citation
from tests.support.fake_openai import fake_openai, fake_openai_server, reply  # noqa: F401
from tests.support.llm_answers import assert_every_citation_supported, passages_in

PHRASES = load_phrases(PROMPTS_DIR / "phrases")
ENGLISH = ("Russian President Vladimir Putin agreed to temporarily halt attacks on energy and infrastructure "
           "targets in Ukraine after a long call with Donald Trump.")
GERMAN = "Der russische Präsident Wladimir Putin hat zugesagt, die Angriffe auf die Energieversorgung einzustellen."


def _cited(*quotes: str) -> Answer:
    citations = tuple(Citation(n, "t", "s", "", "", q) for n, q in enumerate(quotes, start=1))
    return Answer(" ".join(f"“{q}” [{n}]" for n, q in enumerate(quotes, start=1)), False, citations)


def test_every_language_has_every_phrase_and_names_every_language():
    assert set(PHRASES) == set(LANGUAGES)
    english = tomllib.loads((PROMPTS_DIR / "phrases" / "en.toml").read_text(encoding="utf-8"))
    for code in LANGUAGES:  # read as written, not through the loader that enforces REQUIRED
        written = tomllib.loads((PROMPTS_DIR / "phrases" / f"{code}.toml").read_text(encoding="utf-8"))
        assert set(written) == set(english) and set(written["languages"]) == set(LANGUAGES), code
        assert all(template_variables(written[k]) == template_variables(english[k]) for k in english
                   if k not in ("languages", "months")), code
        assert len(written["months"]) == 12 and len(set(written["months"])) == 12, code
    assert {"age_note", "day_month", "day_month_year", "llm_fallback", "quoted_in"} <= set(english)
    assert PHRASES["es"].say("quoted_in", language=PHRASES["es"].names["en"]) == "(citado en inglés)"
    assert phrases_for(PHRASES, "ru").language == phrases_for(PHRASES, None).language == "en"


@pytest.mark.parametrize("broken", ['not_found = "x"\n', 'model_name = "x"\nnot_found = "{oops}"\n'])
def test_a_phrase_file_missing_a_key_or_with_a_wrong_variable_fails_on_load(tmp_path, broken):
    for code in LANGUAGES:
        (tmp_path / f"{code}.toml").write_text((PROMPTS_DIR / "phrases" / f"{code}.toml").read_text())
    (tmp_path / "de.toml").write_text(broken)
    with pytest.raises(NewsbotError, match="de.toml"):
        load_phrases(tmp_path)


@pytest.mark.parametrize("months", ['months = ["Januar"]', "", 'months = "Januar, Februar"'],
                         ids=["one", "none", "not-a-list"])
def test_a_phrase_file_without_its_twelve_months_fails_on_load(tmp_path, months):
    for code in LANGUAGES:
        (tmp_path / f"{code}.toml").write_text((PROMPTS_DIR / "phrases" / f"{code}.toml").read_text())
    german = (PROMPTS_DIR / "phrases" / "de.toml").read_text(encoding="utf-8")
    start, end = german.index("months = ["), german.index("]", german.index("months = [")) + 1
    (tmp_path / "de.toml").write_text(german[:start] + months + german[end:], encoding="utf-8")
    with pytest.raises(NewsbotError, match="de.toml.*twelve months"):
        load_phrases(tmp_path)


@pytest.mark.parametrize("code, day, with_year, written", [
    ("en", date(2025, 3, 12), False, "12 March"), ("en", date(2024, 12, 30), True, "30 December 2024"),
    ("de", date(2025, 3, 12), False, "12. März"), ("de", date(2024, 3, 1), True, "1. März 2024"),
    ("es", date(2025, 3, 12), False, "12 de marzo"), ("es", date(2024, 8, 5), True, "5 de agosto de 2024"),
    ("fr", date(2025, 3, 1), False, "1er mars"), ("fr", date(2024, 2, 14), True, "14 février 2024"),
    ("it", date(2025, 3, 1), False, "1º marzo"), ("pt", date(2025, 3, 12), True, "12 de março de 2025"),
    ("zh", date(2025, 3, 12), False, "3月12日"), ("zh", date(2024, 11, 2), True, "2024年11月2日"),
])
def test_a_day_is_written_plainly_in_each_language(code, day, with_year, written):
    assert PHRASES[code].day(day, with_year=with_year) == written


def test_a_refusal_is_said_in_the_askers_language():
    refused = localized(Answer(NOT_FOUND, True), PHRASES["es"], quoted=True)
    assert refused.refused and refused.text == "No encontré eso en los artículos indexados."


def test_quotes_in_one_other_language_are_named_once_at_the_end():
    answer = localized(_cited(ENGLISH, ENGLISH), PHRASES["es"], quoted=True)
    assert answer.text.endswith("[2] (citado en inglés)") and answer.text.count("citado") == 1


def test_quotes_in_several_languages_are_named_after_each_foreign_one():
    answer = localized(_cited(ENGLISH, GERMAN), PHRASES["fr"], quoted=True)
    assert "[1] (cité en anglais)" in answer.text and answer.text.endswith("[2] (cité en allemand)")
    assert localized(_cited(ENGLISH, GERMAN), PHRASES["de"], quoted=True).text.count("zitiert auf") == 1


def test_quotes_in_the_askers_language_and_generated_text_get_no_note():
    assert localized(_cited(ENGLISH), PHRASES["en"], quoted=True).text == _cited(ENGLISH).text
    assert localized(_cited(ENGLISH), PHRASES["es"], quoted=False).text == _cited(ENGLISH).text


def test_the_offline_writer_quotes_english_for_a_spanish_asker(seed_service):
    retrieval = "What did Putin agree to?"
    passages = seed_service.search(retrieval, k=5)
    writer = ExtractiveWriter(seed_service.embedder.embed, lambda: seed_service.lexical.snapshot().idf, PHRASES)
    vector = seed_service.embedder.embed([retrieval])[0]
    answer = writer.answer(Question("¿Qué aceptó Putin?", retrieval, vector, passages, language="es"))
    assert not answer.refused and answer.text.endswith("(citado en inglés)") and answer.citations


def test_a_model_is_asked_to_write_in_spanish_and_its_citations_are_still_checked(seed_service, fake_openai):  # noqa: F811
    settings = Settings(home=seed_service.settings.home, openai_base_url=fake_openai.base_url, llm_model="fake",
                        llm_max_retries=0, llm_timeout=5)
    writer = GeneratedWriter(build_llm(settings), load_prompts(PROMPTS_DIR), seed_service.embedder.embed, PHRASES)
    passages = seed_service.search("What did Putin agree to?", k=5)
    fake_openai.enqueue(reply("Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]. "
                              "He also promised a Mars base [9]."),
                        reply("Putin aceptó detener los ataques contra objetivos energéticos en Ucrania [1]."))
    question = Question("¿Qué aceptó Putin?", "¿Qué aceptó Putin?", None, passages, date(2025, 3, 20), "es")
    answer = writer.answer(question)
    prompt, translation = (r.messages[1]["content"] for r in fake_openai.chat_requests)
    assert "Write the answer in English" in prompt and passages_in(prompt)  # checked in the passages' language,
    assert "into Spanish" in translation and "Mars" not in translation  # then only what held is translated
    assert answer.text == "Putin aceptó detener los ataques contra objetivos energéticos en Ucrania [1]."
    assert not answer.refused and answer.checks.invalid_citations == 1
    assert [c.quote for c in answer.citations] == [passages[0].text]
    fake_openai.enqueue(reply("NOT FOUND"))
    assert writer.answer(question).text == "No encontré eso en los artículos indexados."


def test_a_translation_that_loses_a_marker_is_not_shown(seed_service, fake_openai):  # noqa: F811
    settings = Settings(home=seed_service.settings.home, openai_base_url=fake_openai.base_url, llm_model="fake",
                        llm_max_retries=0, llm_timeout=5)
    writer = GeneratedWriter(build_llm(settings), load_prompts(PROMPTS_DIR), seed_service.embedder.embed, PHRASES)
    passages = seed_service.search("What did Putin agree to?", k=5)
    english = "Putin agreed to halt attacks on energy and infrastructure targets in Ukraine [1]."
    fake_openai.enqueue(reply(english), reply("Putin aceptó detener los ataques."))
    answer = writer.answer(Question("¿Qué aceptó Putin?", "¿Qué aceptó Putin?", None, passages, None, "es"))
    assert answer.text == f"{english} (citado en inglés)" and answer.citations[0].quote == passages[0].text
