"""bench/story_llm_judge.py's pure helpers: the log-odds of Yes from the next token's logits, what the model
reads of an article, and the grid it is scored over."""
import math
from types import SimpleNamespace

import numpy as np
import pytest

from bench.story_llm_judge import CENTRES, MAX_CHARS, THRESHOLDS, log_odds, grid, report_text
from bench.story_judge import LINKS


def test_log_odds_sum_every_spelling_of_yes_and_of_no():
    logits = np.log(np.array([0.1, 0.2, 0.3, 0.05, 0.35]))  # a softmax over five tokens, already normalised
    assert log_odds(logits, [0, 1], [2]) == pytest.approx(math.log(0.3) - math.log(0.3))
    assert log_odds(logits, [4], [3]) == pytest.approx(math.log(0.35 / 0.05))
    assert log_odds(logits + 7.0, [4], [3]) == pytest.approx(math.log(0.35 / 0.05))  # unnormalised logits too


def test_the_model_reads_the_title_and_the_lead_cut_at_a_word():
    lead = SimpleNamespace(passage=SimpleNamespace(title="Bridge reopens", text="The bridge reopened. " * 40))
    text = report_text(lead)
    assert text.startswith("Bridge reopens. The bridge reopened.") and text.endswith(" …")
    assert len(text) <= MAX_CHARS + 2 and "reopene …" not in text
    untitled = SimpleNamespace(passage=SimpleNamespace(title="", text="Short lead."))
    assert report_text(untitled) == "Short lead."


def test_the_grid_keeps_the_shipped_weighting_and_offers_each_judge_or_none():
    settings = grid(("sentence", "llm"))
    judges = {judge.mode for _, judge in settings if judge is not None}
    assert judges == {"sentence", "llm"} and any(judge is None for _, judge in settings)
    assert {(p.names, p.title, p.max_days) for p, _ in settings} == {(0.4, 0.2, 5)}
    per_base = 1 + sum(2 * 4 * len(CENTRES[mode]) for mode in ("sentence", "llm"))
    assert len(settings) == len(THRESHOLDS) * len(LINKS) * per_base
