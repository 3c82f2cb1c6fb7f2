"""Story grouping on RealTime QA q1: pairwise precision and recall on hand-labelled pairs, and a digest's time.

    python bench/stories.py --home DIR [--quick] [--no-timing]

DIR is a NEWSBOT_HOME; the first run writes there the q1 articles cut to their first LEAD_CHARS characters
(grouping reads only each article's lead chunk, which is the same as the whole article's: the splitter fills
the first chunk from the start) as one JSONL source, and indexes it (about 3,500 chunks instead of 23,000;
later runs reuse it). The labels are bench/data/story_pairs.jsonl:
pairs of articles of one week (or of two adjacent weeks, `"week": "W1+W2"`), each labelled same event (1)
or not (0) by reading titles and leads, with a one-line reason. The articles of each pair's week(s) are
grouped as a digest would group them (index/news/stories.py, on the lead vectors the store holds), and a
pair is predicted "same" when both articles land in one story. Parameters are chosen on the tune pairs
(odd weeks in date order; a cross-week pair belongs to its first week's half) by F1, and reported on the
report pairs (even weeks). `--quick` searches a coarser grid.

The timing: one week of q1 (20250110, 130 articles) digested as `newsbot digest` does (leads read from the
store, grouped, the 10 stories shown summarised by the offline writer), best of three, in one process
whose model is already loaded; printed with its ratio to the 10 s budget.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Q1 = Path("data") / "realtimeqa-2025q1" / "articles.jsonl"
ARTICLES = next((p for p in (ROOT.parent / "shared" / Q1, ROOT.parents[1] / "shared" / Q1) if p.exists()),
                ROOT.parent / "shared" / Q1)  # beside the checkout, or beside a worktree's folder
LABELS = ROOT / "bench" / "data" / "story_pairs.jsonl"
TIMED_WEEK = "20250110"
LEAD_CHARS = 1600
BUDGET_SECONDS = 10.0


def open_service(home: Path):
    """The service on DIR's index of the q1 articles (indexed on first use)."""
    os.environ["NEWSBOT_HOME"] = str(home)
    os.environ["NEWSBOT_SOURCES"] = str(home / "sources.toml")
    from index.app import build_service
    from index.settings import Settings

    home.mkdir(parents=True, exist_ok=True)
    if not (home / "sources.toml").exists():
        with (home / "q1-leads.jsonl").open("w", encoding="utf-8") as out:
            for line in ARTICLES.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                out.write(json.dumps(row | {"text": row["text"][:LEAD_CHARS]}, ensure_ascii=False) + "\n")
        (home / "sources.toml").write_text('[[source]]\nname = "q1"\nkind = "jsonl"\nlocation = "q1-leads.jsonl"\n')
    service = build_service(Settings())
    if service.is_empty():
        print("indexing the q1 articles (once)…", file=sys.stderr)
        service.index()
    return service


def load_leads(service) -> dict:
    """article id -> Lead, for every q1 article in the store."""
    from index.news.leads import read_leads, window_filters

    return {lead.passage.article_id: lead for lead in read_leads(service.store.chunks, window_filters(("shared",), None, None))}


def week_members(leads: dict) -> dict[str, list[str]]:
    """week -> the ids of its articles in the store, in file order."""
    members: dict[str, list[str]] = {}
    for line in ARTICLES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] in leads:
            members.setdefault(row["week"], []).append(row["id"])
    return members


def half_of(week_key: str, tune_weeks: set[str]) -> str:
    return "tune" if week_key.split("+")[0] in tune_weeks else "report"


class Contexts:
    """The signals of each pair's week(s), computed once; their score matrices once per weighting."""

    def __init__(self, labels: list[dict], leads: dict, members: dict[str, list[str]]) -> None:
        self.signals = {}
        self._matrices: dict = {}
        for key in {label["week"] for label in labels}:
            ids = [i for week in key.split("+") for i in members[week]]
            self.signals[key] = (ids, [leads[i].signal() for i in ids])

    def _matrix(self, key: str, params):
        from index.news.stories import score_matrix

        cached = (key, params.names, params.title, params.max_days)
        if cached not in self._matrices:
            self._matrices[cached] = score_matrix(self.signals[key][1], params)
        return self._matrices[cached]

    def predict(self, labels: list[dict], params) -> list[bool]:
        """For each label, whether the grouping puts both articles in one story."""
        from index.news.stories import group_scored

        story_of: dict[str, dict[str, int]] = {}
        for key in {label["week"] for label in labels}:
            ids, signals = self.signals[key]
            groups = group_scored(self._matrix(key, params), [s.day for s in signals], params)
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
            "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def grid(quick: bool, names: tuple[float, ...], titles: tuple[float, ...], links: tuple[float, ...]):
    """The parameter settings searched (threshold steps of 0.02, or 0.05 with --quick)."""
    from index.news.stories import StoryParams

    step = 0.05 if quick else 0.025
    thresholds = [round(0.5 + step * i, 3) for i in range(int(0.7 / step) + 1)]
    days = (2, 3) if quick else (2, 3, 5)
    for name, title, max_days, link, threshold in itertools.product(names, titles, days, links, thresholds):
        yield StoryParams(threshold=threshold, names=name, title=title, max_days=max_days, max_span=7, link=link)


def choose(contexts: Contexts, tune: list[dict], settings) -> tuple[object, dict]:
    """The setting with the best F1 on the tune pairs (the stricter threshold on a tie)."""
    best = None
    for params in settings:
        row = scores(tune, contexts.predict(tune, params))
        key = (round(row["f1"], 6), params.threshold)
        if best is None or key > best[0]:
            best = (key, params, row)
    return best[1], best[2]


def timing(service, leads: dict, members: dict[str, list[str]], params) -> tuple[float, int, int]:
    """Best of three: seconds to read the leads and build the digest of one week (articles, stories)."""
    from index.news.digest import build_digest, grouped_stories
    from index.news.leads import read_leads, window_filters

    week = set(members[TIMED_WEEK])
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        found = [lead for lead in read_leads(service.store.chunks, window_filters(("shared",), None, None))
                 if lead.passage.article_id in week]
        digest = build_digest(found, service.writer, None, None, limit=10, params=params)
        best = min(best, time.perf_counter() - started)
    return best, len(week), len(grouped_stories([leads[i] for i in week], params))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="a coarser grid")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    from index.evaluation.scoring import split_weeks
    from index.news.stories import DEFAULT_PARAMS

    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    service = open_service(args.home)
    leads = load_leads(service)
    members = week_members(leads)
    tune_weeks, _ = split_weeks(members)
    labels = [l for l in labels if l["a"] in leads and l["b"] in leads]
    halves = {h: [l for l in labels if half_of(l["week"], tune_weeks) == h] for h in ("tune", "report")}
    contexts = Contexts(labels, leads, members)
    weights = (0.0, 0.1, 0.2, 0.3) if not args.quick else (0.1, 0.2, 0.3)
    links = (0.0, 0.5, 0.65) if not args.quick else (0.0, 0.5, 0.7)
    lineup = {
        "shipped (index/news/stories.py)": DEFAULT_PARAMS,
        "cosine alone, single link": choose(contexts, halves["tune"], grid(args.quick, (0.0,), (0.0,), (0.0,)))[0],
        "cosine alone": choose(contexts, halves["tune"], grid(args.quick, (0.0,), (0.0,), links))[0],
        "cosine + names + title words": choose(contexts, halves["tune"], grid(args.quick, weights, weights, links))[0],
    }
    print("| grouping | parameters | half | pairs | same | precision | recall | F1 |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for name, params in lineup.items():
        described = (f"threshold {params.threshold:.2f}, names {params.names:.1f}, title {params.title:.1f}, "
                     f"link {params.link:.1f}, ≤{params.max_days} d apart, span ≤{params.max_span} d")
        for half in ("tune", "report"):
            row = scores(halves[half], contexts.predict(halves[half], params))
            print(f"| {name} | {described} | {half} | {row['pairs']} | {row['same']} | {row['precision']:.3f} "
                  f"| {row['recall']:.3f} | {row['f1']:.3f} |")
    if not args.no_timing:
        seconds, articles, stories = timing(service, leads, members, DEFAULT_PARAMS)
        print(f"\ndigest of week {TIMED_WEEK}: {articles} articles, {stories} stories, 10 summarised: "
              f"{seconds:.2f} s ({seconds / BUDGET_SECONDS:.2f} of the {BUDGET_SECONDS:.0f} s budget; "
              f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
