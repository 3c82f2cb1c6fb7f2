"""bench/story_folds.py's and bench/story_tuning.py's pure helpers: which block a labelled pair is in, the rates, the
choice's criterion, the AUC."""
import numpy as np
import pytest

from bench.story_folds import BLOCKS, best, block_of, rates, settings
from bench.story_labels import scores


def test_a_pair_is_in_the_block_of_its_weeks_and_in_none_across_two():
    assert block_of({"week": "20250110"}) == 0
    assert block_of({"week": "20250103+20250110"}) == 0
    assert block_of({"week": "20250117+20250124"}) is None  # the boundary of blocks 1 and 2
    assert block_of({"week": "20250328"}) == len(BLOCKS) - 1
    assert block_of({"week": "20250404"}) is None  # no block has it


def test_rates_agree_with_the_labels_scoring():
    labels = [{"label": l} for l in (1, 1, 1, 0, 0, 1)]
    predicted = [True, True, False, True, False, False]
    row = scores(labels, predicted)
    found = rates(np.array([bool(l["label"]) for l in labels]), np.array([predicted]))[0]
    assert found == pytest.approx([row["precision"], row["recall"], row["f1"]])


def test_rates_of_a_setting_that_joins_nothing_count_no_false_pair():
    precision, recall, f1 = rates(np.array([True, False]), np.array([[False, False]]))[0]
    assert (precision, recall, f1) == (1.0, 0.0, 0.0)


def test_best_takes_the_highest_min_of_precision_and_recall_then_the_stricter_threshold():
    grid = [(params, judge) for params, judge in settings() if judge is None and params.names == 0.4
            and params.title == 0.2 and params.max_days == 5 and params.link == 0.65]
    truth = np.array([True, True, False, False])
    predicted = np.array([[True, True, True, True]] * len(grid))  # every setting: precision 0.5, recall 1
    predicted[1] = [True, False, False, False]  # precision 1, recall 0.5: the same min, a lower F1
    predicted[2] = [True, True, True, False]  # min 0.667
    predicted[4] = [True, True, True, False]  # the same, at a stricter threshold
    assert best(truth, predicted, grid) == 4
    assert grid[4][0].threshold > grid[2][0].threshold


def test_auc_is_the_share_of_same_pairs_scored_above_the_others():
    from bench.story_tuning import auc

    assert auc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0]) == 1.0
    assert auc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0]) == 0.0
    assert auc([0.5, 0.5], [1, 0]) == 0.5  # a tie counts half
