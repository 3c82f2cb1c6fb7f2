"""Prompt templates (index/answering/prompts.py): the shipped ones load; a wrong variable fails on load."""
from __future__ import annotations

import shutil

import pytest

from index.answering.prompts import REQUIRED, load_prompts
from index.errors import NewsbotError
from index.settings import PROMPTS_DIR


def test_the_shipped_prompts_load_with_exactly_their_variables():
    prompts = load_prompts(PROMPTS_DIR)
    assert {name: set(p.variables) for name, p in prompts.items()} == REQUIRED
    filled = prompts["rewrite"].format(history="Q: {x}", question="and then?")
    assert "Q: {x}" in filled and "and then?" in filled  # braces in values are inserted verbatim


def test_a_missing_file_or_a_wrong_variable_fails_on_load(tmp_path):
    shutil.copytree(PROMPTS_DIR, tmp_path / "p")
    (tmp_path / "p" / "answer.md").write_text("Answer {question} from {passages} and {typo}.", encoding="utf-8")
    with pytest.raises(NewsbotError, match="typo"):
        load_prompts(tmp_path / "p")
    (tmp_path / "p" / "answer.md").unlink()
    with pytest.raises(NewsbotError, match="cannot be read"):
        load_prompts(tmp_path / "p")
    with pytest.raises(NewsbotError, match="needs"):
        load_prompts(PROMPTS_DIR)["answer"].format(question="q")
