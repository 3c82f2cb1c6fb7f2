"""`newsbot ask` as a process with questions in other languages and odd ones: an answer or a plain refusal
in the asker's language, and for a question without words one clear line, never a traceback; `newsbot summary
--language` quoting with that language's words offline, and written in it by a model."""
import json
import re

import pytest

from tests.support.cli_process import assert_clean_error, newsbot
from tests.support.fake_openai import fake_openai, fake_openai_server, http_error  # noqa: F401
from tests.support.llm_answers import quoting_model


@pytest.mark.slow
def test_questions_in_other_languages_scripts_and_shapes_get_an_answer_or_a_plain_refusal(tmp_path):
    def ask(question: str) -> dict:
        result = newsbot("ask", question, "--json", home=tmp_path)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return json.loads(result.stdout)

    spanish = ask("¿Qué dijo Macron sobre los aranceles?")  # the first ask indexes the fresh home
    assert spanish["refused"] and spanish["answer"] == "No encontré eso en los artículos indexados."
    short = ask("Putin?")  # too short to tell: the default language, English, quoted as written
    assert not short["refused"] and "[1]" in short["answer"] and "quoted in" not in short["answer"]
    russian = ask("Что согласился сделать Путин?")  # no phrases for Cyrillic: the default language
    assert russian["refused"] and russian["answer"] == "I couldn't find that in the indexed articles."
    for mixed in ("What did Putin sagen about the Waffenstillstand?", "Putin 同意了什么 deal?"):
        found = ask(mixed)
        assert found["refused"] or found["citations"]
    assert_clean_error(newsbot("ask", "🔥🔥🔥", home=tmp_path), "some words")


@pytest.mark.slow
def test_summary_in_german_offline_quotes_the_articles_with_german_words(tmp_path):
    found = newsbot("summary", "Putin", "--language", "de", home=tmp_path)
    assert found.returncode == 0 and "Traceback" not in found.stderr, found.stderr
    text, _, sources = found.stdout.partition("\n\nQuellen:\n")
    assert "[1]" in text and text.endswith("(zitiert auf Englisch)") and "Putin" in sources
    refused = newsbot("summary", "Bundesliga Fußball Meisterschaft", "--language", "de", home=tmp_path)
    assert refused.stdout.startswith("Dazu habe ich in den indexierten Artikeln nichts gefunden.\n")
    assert "\nNächstliegende Artikel:\n- " in refused.stdout and "Closest" not in refused.stdout
    english = newsbot("summary", "Putin", home=tmp_path)  # without --language: English, quoted as written
    assert "\n\nSources:\n" in english.stdout and "zitiert" not in english.stdout
    spanish = newsbot("ask", "¿Qué dijo Macron sobre los aranceles?", home=tmp_path)  # ask: the answer's language
    assert spanish.stdout.startswith("No encontré eso en los artículos indexados.\n\nArtículos más cercanos:\n- ")


def _german_model(body: dict) -> str:
    """Quotes the passages (tests/support/llm_answers.py) and translates into German, each marker kept."""
    prompt = body["messages"][-1]["content"]
    if "<answer>" not in prompt:
        return quoting_model(body)
    english = prompt.split("<answer>\n", 1)[1].split("\n</answer>", 1)[0]
    return " ".join(f"Das berichtet der Artikel {marker}." for marker in re.findall(r"\[\d+\]", english))


@pytest.mark.slow
def test_summary_in_german_with_a_model_is_written_in_german(tmp_path, fake_openai):  # noqa: F811
    fake_openai.set_default(_german_model)
    env = {"OPENAI_BASE_URL": fake_openai.base_url, "NEWSBOT_LLM_MODEL": "fake", "NEWSBOT_LLM_MAX_RETRIES": "0"}
    result = newsbot("summary", "Putin", "--language", "de", home=tmp_path, env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith("Das berichtet der Artikel [1].") and "\n\nQuellen:\n" in result.stdout
    prompts = [r.messages[-1]["content"] for r in fake_openai.chat_requests]
    assert any("Write the summary in English" in p for p in prompts)  # written where the passages are,
    assert any("Translate the answer below into German" in p for p in prompts)  # then translated


@pytest.mark.slow
def test_summary_in_german_when_the_model_fails_is_quoted_with_a_german_note(tmp_path, fake_openai):  # noqa: F811
    fake_openai.enqueue(*[http_error(500)] * 5)
    env = {"OPENAI_BASE_URL": fake_openai.base_url, "NEWSBOT_LLM_MODEL": "fake", "NEWSBOT_LLM_MAX_RETRIES": "0"}
    result = newsbot("summary", "Putin", "--language", "de", home=tmp_path, env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    text, _, sources = result.stdout.partition("\n\nQuellen:\n")
    quoted, _, note = text.partition("\n\n")
    assert "[1]" in quoted and quoted.endswith("(zitiert auf Englisch)") and "Putin" in sources
    assert note == "Hinweis: Das Sprachmodell ist nicht verfügbar; dies sind stattdessen zitierte Textstellen."
    assert fake_openai.chat_requests  # the model was asked, and failed
