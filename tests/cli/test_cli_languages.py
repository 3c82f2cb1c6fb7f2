"""`newsbot ask` as a process with questions in other languages and odd ones: an answer or a plain refusal
in the asker's language, and for a question without words one clear line, never a traceback."""
import json

import pytest

from tests.support.cli_process import assert_clean_error, newsbot


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
