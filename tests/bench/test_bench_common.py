"""bench/common.py's pure helpers: the exact tests against values worked out by hand, the halves, the rows."""
import pytest

from bench.common import alternate, fisher_exact, halves, mcnemar_exact, recall_table


def test_mcnemar_counts_the_tails_of_a_fair_coin():
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)  # 0 of 5, or 5 of 5
    assert mcnemar_exact(7, 1) == pytest.approx(2 * (1 + 8) / 256)
    assert mcnemar_exact(3, 3) == 1.0
    assert mcnemar_exact(0, 0) == 1.0  # no question changed: no evidence


def test_fisher_sums_the_tables_no_likelier_than_the_one_seen():
    assert fisher_exact([(3, 0), (0, 3)]) == pytest.approx(2 / 20)  # C(6,3) = 20 tables, two as extreme
    assert fisher_exact([(1, 0), (0, 1)]) == pytest.approx(1.0)
    assert fisher_exact([(2, 2), (2, 2)]) == pytest.approx(1.0)
    assert fisher_exact([(0, 3), (3, 0)]) == fisher_exact([(3, 0), (0, 3)])


def test_halves_take_odd_weeks_to_tune_and_even_weeks_to_report():
    questions = [{"week": w} for w in ("20250117", "20250103", "20250110", "20250103")]
    assert halves(questions) == {"tune": {"20250103", "20250117"}, "report": {"20250110"}, "all": None}


def test_recall_table_has_a_row_per_half_and_a_dash_for_what_is_missing():
    scores = {"answerable": 3, "recall@4000c": 2 / 3, "answer_accuracy": None}
    table = recall_table({"today": {"tune": scores, "report": scores}}, ("recall@4000c", "answer_accuracy"))
    assert table.splitlines()[2:] == ["| today | tune (3) | 0.667 | – |", "| today | report (3) | 0.667 | – |"]


def test_alternate_runs_every_variant_on_every_item_and_gives_ratios_to_the_first():
    seen = []
    timings = alternate({"a": lambda item: seen.append(("a", item)), "b": lambda item: seen.append(("b", item))},
                        [1, 2], rounds=2)
    assert seen == [("a", 1), ("b", 1), ("a", 2), ("b", 2)] * 2
    assert timings["a"]["ratio"] == 1.0 and timings["b"]["median_ms"] >= 0
