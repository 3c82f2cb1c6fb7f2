"""The hand-labelled story pairs of q1 and their scoring, shared by bench/stories.py and bench/story_judge.py:
where the labels are, the contexts a pair's week(s) are grouped in, and pairwise precision and recall."""
from __future__ import annotations

from pathlib import Path

from bench.common import ROOT, read_jsonl

LABELS = ROOT / "bench" / "data" / "story_pairs.jsonl"
# 230 more pairs (seed 2312), labelled after every design was chosen, read once: `--holdout`
HOLDOUT = ROOT / "bench" / "data" / "story_pairs_holdout.jsonl"
# issue 29: pairs drawn per error kind (seed 2901); the last four weeks' are held out (bench/story_weeks.py)
KINDS = ROOT / "bench" / "data" / "story_pairs_kinds.jsonl"
# stop 37: every dated pair left unlabelled in the held-out weeks that issue 23's bands draw (seed 3701, 8 a band)
FRESH = ROOT / "bench" / "data" / "story_pairs_fresh.jsonl"


def half_of(week_key: str, tune_weeks: set[str]) -> str:
    return "tune" if week_key.split("+")[0] in tune_weeks else "report"


def labelled(members: dict[str, list[str]], leads: dict, path: Path = LABELS
             ) -> tuple[list[dict], dict[str, list[dict]], "Contexts"]:
    """The labelled pairs of the stored weeks, the same split into the tune and report halves, their contexts."""
    from index.evaluation.scoring import split_weeks

    labels = [l for l in read_jsonl(path) if all(w in members for w in l["week"].split("+"))]
    tune_weeks, _ = split_weeks(members)
    halves = {h: [l for l in labels if half_of(l["week"], tune_weeks) == h] for h in ("tune", "report")}
    return labels, halves, Contexts(labels, leads, members)


class Contexts:
    """The signals of each pair's week(s), computed once; their score matrices once per weighting."""

    def __init__(self, labels: list[dict], leads: dict, members: dict[str, list[str]]) -> None:
        self.signals = {}
        self.matrices: dict = {}
        for key in {label["week"] for label in labels}:
            ids = [i for week in key.split("+") for i in members[week]]
            self.signals[key] = (ids, [leads[i].signal() for i in ids])

    def matrix(self, key: str, params):
        from index.news.stories import score_matrix

        cached = (key, params.names, params.title, params.max_days, params.overlap)
        if cached not in self.matrices:
            self.matrices[cached] = score_matrix(self.signals[key][1], params)
        return self.matrices[cached]

    def predict(self, labels: list[dict], params) -> list[bool]:
        """For each label, whether the grouping puts both articles in one story (without a judge:
        bench/story_judge.py adds it)."""
        from index.news.stories import group_scored

        story_of: dict[str, dict[str, int]] = {}
        for key in {label["week"] for label in labels}:
            ids, signals = self.signals[key]
            groups = group_scored(self.matrix(key, params), [s.day for s in signals], params)
            story_of[key] = {ids[i]: n for n, members in enumerate(groups) for i in members}
        return [story_of[l["week"]][l["a"]] == story_of[l["week"]][l["b"]] for l in labels]


def scores(labels: list[dict], predicted: list[bool]) -> dict:
    """Pairwise precision, recall and F1 of the predictions against the labels."""
    tp = sum(1 for l, p in zip(labels, predicted) if p and l["label"])
    fp = sum(1 for l, p in zip(labels, predicted) if p and not l["label"])
    fn = sum(1 for l, p in zip(labels, predicted) if not p and l["label"])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(labels), "same": sum(l["label"] for l in labels), "precision": precision,
            "recall": recall, "f1": f1}


def all_labels(members: dict[str, list[str]], leads: dict) -> tuple[list[dict], list[dict], Contexts]:
    """The first, held-out (issue 23) and per-kind (issue 29) labels of the stored weeks: (earlier labels,
    per-kind labels, their contexts)."""
    earlier = [l | {"file": p.name} for p in (LABELS, HOLDOUT) for l in read_jsonl(p)
               if all(w in members for w in l["week"].split("+"))]
    kinds = [l | {"file": KINDS.name} for l in (read_jsonl(KINDS) if KINDS.exists() else [])
             if all(w in members for w in l["week"].split("+"))]
    return earlier, kinds, Contexts(earlier + kinds, leads, members)
