"""The exact tests bench/halves_agreement.py reports, against values worked out by hand."""
import importlib.util
from pathlib import Path

import pytest

# loaded by path: putting bench/ on sys.path would let its module names shadow others for the whole session
_SPEC = importlib.util.spec_from_file_location(
    "bench_exact_tests", Path(__file__).resolve().parents[2] / "bench" / "exact_tests.py")
_MODULE = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_MODULE)
fisher_exact, mcnemar_exact = _MODULE.fisher_exact, _MODULE.mcnemar_exact


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
