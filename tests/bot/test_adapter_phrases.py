"""The adapters' phrases (bot/phrases.py): declared by the adapters, not the core, and checked when a bot or a
CLI command starts; every key of the shipped files is declared by exactly one of the two."""
import tomllib

import pytest

from bot.phrases import ADAPTER_PHRASES, check_phrases
from index.answering.phrases import REQUIRED, default_phrases
from index.errors import NewsbotError
from index.settings import PROMPTS_DIR
from index.text import LANGUAGES


def _shipped() -> dict[str, dict[str, str]]:
    return {code: dict(phrases.words) for code, phrases in default_phrases().items()}


def test_every_shipped_phrase_is_declared_by_the_core_or_by_the_adapters_not_both():
    assert not set(REQUIRED) & set(ADAPTER_PHRASES)
    for code in LANGUAGES:
        written = tomllib.loads((PROMPTS_DIR / "phrases" / f"{code}.toml").read_text(encoding="utf-8"))
        assert set(written) - {"languages", "months"} == set(REQUIRED) | set(ADAPTER_PHRASES), code


def test_the_shipped_phrases_pass_the_adapters_check():
    check_phrases(_shipped())  # raises nothing


@pytest.mark.parametrize("key, text, says", [("no_dms", None, "has no phrase 'no_dms'"),
                                             ("slow_down", "Slow down, {who}.", "exactly the variables")])
def test_a_language_missing_an_adapter_phrase_or_with_a_wrong_variable_fails_in_one_line(key, text, says):
    words = _shipped()
    if text is None:
        del words["de"][key]
    else:
        words["de"][key] = text
    with pytest.raises(NewsbotError) as failure:
        check_phrases(words)
    assert "de.toml" in str(failure.value) and says in str(failure.value) and "\n" not in str(failure.value)
