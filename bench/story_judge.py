"""Issue 29's judge lever: the packaged cross-encoder reads the borderline pairs of a week's grouping.

    python -m bench.stories [--home DIR] --choose-judge     (the setting chosen on weeks 0103-0228 only)
    python -m bench.stories [--home DIR] --report-judge     (that fixed setting, scored once on weeks 0307-0328)

(First run as `python -m bench.story_judge --choose` / `--report` at commits 5283aeb and after; the same
functions, moved behind bench.stories' flags so that every bench script keeps a quick run.)

Today's grouping (index/news/stories.py) scores every two articles of a window by lead cosine + shared names
+ shared title words, and joins those at or above the threshold. Here the pairs whose score is within `band`
of the threshold (and published within `max_days`) are read by the ms-marco MiniLM cross-encoder that the
product already ships (index/embedding/packaged_models.py: offline, nothing downloaded), in one of these modes:

- `title-lead`: A's title as the query against B's lead, and B's title against A's lead; the mean of both logits
  (is B's lead about A's happening?);
- `sentence`: A's first sentence against B's first sentence, both ways, the mean;
- `both`: the mean of the two modes;
- `titles`, `headlines` (stop 37, for bench/story_folds.py only): A's title against B's title, and title and
  first sentence against title and first sentence, both ways, the mean. No fold chose them.

The judged pair's score becomes `score + weight * tanh((logit - centre) / 2)` (a pull of at most `weight`
towards joining or apart); the other pairs keep theirs, and stories grow as today (strongest pair first, mean
link). The cross-encoder's logits are cached in bench/out/story_judge.json (keyed by article ids and mode), so
the grid re-reads them. Every parameter is chosen on the labelled pairs of weeks 0103-0228 by the bar's
criterion (highest min(precision, recall), then F1, then the stricter threshold); `--report` scores the
fixed setting on the held-out weeks' pairs, once.
"""
from __future__ import annotations

import itertools
import json
import math
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.common import OUT

CACHE = OUT / "story_judge.json"
MODES = ("title-lead", "sentence", "both")


@dataclass(frozen=True)
class Judge:
    """Which pairs the cross-encoder reads and how its logit moves their score."""

    mode: str = "title-lead"
    band: float = 0.2  # pairs with |score - threshold| <= band are read
    weight: float = 0.2  # at most this much added or taken away
    centre: float = 0.0  # the logit that moves nothing


class Logits:
    """The cross-encoder's logits per (a, b, mode), cached on disk; missing ones computed in batches."""

    def __init__(self, leads: dict, path: Path = CACHE) -> None:
        self.leads, self.path = leads, path
        self.known: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}
        self.encoder = None
        self.seconds = 0.0
        self.computed = 0

    @staticmethod
    def key(a: str, b: str, query: str) -> str:
        return f"{a}|{b}|{query}"

    def _texts(self, article: str) -> dict[str, str]:
        from index.news.stories import first_sentence

        passage = self.leads[article].passage
        title = passage.title or first_sentence(passage.text)
        return {"title": title, "lead": passage.text, "sentence": first_sentence(passage.text),
                "headline": f"{title}. {first_sentence(passage.text)}"}

    def _directed(self, pairs: list[tuple[str, str]], query: str, passage: str, name: str | None = None) -> None:
        """Fill in the logit of `query` of a against `passage` of b, for each ordered pair (a, b), cached
        under `name` (the query's, when not given)."""
        from index.embedding.packaged_models import CrossEncoder

        name = name or query
        todo = [(a, b) for a, b in pairs if self.key(a, b, name) not in self.known]
        if not todo:
            return
        self.encoder = self.encoder or CrossEncoder(max_tokens=256)
        started = time.perf_counter()
        by_query: dict[str, list[str]] = {}
        for a, b in todo:
            by_query.setdefault(a, []).append(b)
        for a, bs in by_query.items():
            logits = self.encoder.score(self._texts(a)[query], [self._texts(b)[passage] for b in bs])
            for b, logit in zip(bs, logits.tolist()):
                self.known[self.key(a, b, name)] = round(float(logit), 4)
        self.seconds += time.perf_counter() - started
        self.computed += len(todo)

    def fill(self, pairs: list[tuple[str, str]], modes: tuple[str, ...] = MODES) -> None:
        """Compute the logits of `pairs` (both directions) in `modes` that the cache lacks, then save it."""
        both = sorted({(a, b) for p in pairs for a, b in (p, p[::-1])})
        if {"title-lead", "both"} & set(modes):
            self._directed(both, "title", "lead")
        if {"sentence", "both"} & set(modes):
            self._directed(both, "sentence", "sentence")
        if "titles" in modes:
            self._directed(both, "title", "title", "titles")
        if "headlines" in modes:
            self._directed(both, "headline", "headline", "headlines")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.known, sort_keys=True))

    def logit(self, a: str, b: str, mode: str) -> float:
        """The pair's judged logit in `mode` (the mean of both directions)."""
        def mean(query: str) -> float:
            return (self.known[self.key(a, b, query)] + self.known[self.key(b, a, query)]) / 2

        if mode == "both":
            return (mean("title") + mean("sentence")) / 2
        return mean({"title-lead": "title"}.get(mode, mode))


def borderline(scores: np.ndarray, threshold: float, band: float) -> list[tuple[int, int]]:
    """(i, j), i < j, of the pairs whose score is within `band` of `threshold` (0 means too far apart: left out)."""
    upper = np.triu(np.ones_like(scores, dtype=bool), k=1)
    rows, columns = np.nonzero(upper & (scores > 0) & (np.abs(scores - threshold) <= band))
    return list(zip(rows.tolist(), columns.tolist()))


def judged(scores: np.ndarray, ids: list[str], logits: Logits, threshold: float, judge: Judge) -> np.ndarray:
    """`scores` with each borderline pair moved by the cross-encoder's logit."""
    out = scores.copy()
    for i, j in borderline(scores, threshold, judge.band):
        move = judge.weight * math.tanh((logits.logit(ids[i], ids[j], judge.mode) - judge.centre) / 2)
        out[i, j] = out[j, i] = scores[i, j] + move
    return out


class JudgedContexts:
    """bench.story_labels' Contexts with the judge applied: one matrix per (week key, judge, threshold)."""

    def __init__(self, contexts, logits: Logits, base) -> None:
        self.contexts, self.logits, self.base = contexts, logits, base
        self.matrices: dict = {}

    def pairs_to_read(self, keys, band: float) -> list[tuple[str, str]]:
        """The article-id pairs within `band` of the base threshold (or of any threshold of the grid) in `keys`."""
        found = set()
        for key in keys:
            ids = self.contexts.signals[key][0]
            for i, j in borderline(self.contexts.matrix(key, self.base), self.base.threshold, band):
                found.add((ids[i], ids[j]))
        return sorted(found)

    def predict(self, labels: list[dict], params, judge: Judge | None) -> list[bool]:
        from index.news.stories import group_scored

        story_of: dict[str, dict[str, int]] = {}
        for key in {label["week"] for label in labels}:
            ids, signals = self.contexts.signals[key]
            base = self.contexts.matrix(key, params)
            cached = (key, judge, params.threshold)
            if judge is None:
                matrix = base
            else:
                if cached not in self.matrices:
                    self.matrices[cached] = judged(base, ids, self.logits, params.threshold, judge)
                matrix = self.matrices[cached]
            groups = group_scored(matrix, [s.day for s in signals], params)
            story_of[key] = {ids[i]: n for n, members in enumerate(groups) for i in members}
        return [story_of[l["week"]][l["a"]] == story_of[l["week"]][l["b"]] for l in labels]


THRESHOLDS = tuple(round(0.75 + 0.025 * i, 3) for i in range(9))  # 0.75 .. 0.95
GRID = dict(mode=MODES, band=(0.1, 0.2, 0.3), weight=(0.1, 0.2, 0.3, 0.4), centre=(-2.0, 0.0, 2.0, 4.0))
LINKS = (0.6, 0.65)


def settings():
    """(StoryParams, Judge) of the grid: today's names/title weights and days, thresholds and links around
    today's, every judge."""
    from index.news.stories import DEFAULT_PARAMS

    for mode, band, weight, centre in itertools.product(*GRID.values()):
        for threshold, link in itertools.product(THRESHOLDS, LINKS):
            yield replace(DEFAULT_PARAMS, threshold=threshold, link=link), Judge(mode, band, weight, centre)


def load(leads: dict, members: dict[str, list[str]]):
    """The contexts of every labelled pair, and the (tune, held-out) split of the earlier and per-kind labels."""
    from bench.story_labels import all_labels
    from bench.story_weeks import split

    earlier, kinds, contexts = all_labels(members, leads)
    return contexts, split(earlier), split(kinds)


def choose(leads: dict, members: dict[str, list[str]]) -> None:
    """The best (params, judge) on the tune weeks' pairs; the held-out weeks are not read."""
    from bench.story_labels import scores
    from index.news.stories import DEFAULT_PARAMS

    contexts, (tune_old, _), (tune_new, _) = load(leads, members)
    tune = tune_old + tune_new
    logits = Logits(leads)
    judged_contexts = JudgedContexts(contexts, logits, DEFAULT_PARAMS)
    keys = {l["week"] for l in tune}
    # the widest band around any threshold of the grid (0.75-0.95 around today's 0.85): every pair some setting reads
    widest = max(GRID["band"]) + max(abs(t - DEFAULT_PARAMS.threshold) for t in THRESHOLDS)
    logits.fill(judged_contexts.pairs_to_read(keys, widest))
    print(f"cross-encoder: {logits.computed} directed pairs x 2 modes computed in {logits.seconds:.0f} s "
          f"({len(logits.known)} cached)", flush=True)
    today = scores(tune, judged_contexts.predict(tune, DEFAULT_PARAMS, None))
    print(f"today's grouping on {today['pairs']} tune pairs ({today['same']} same): precision "
          f"{today['precision']:.3f}, recall {today['recall']:.3f}, F1 {today['f1']:.3f}")
    best, started, count = None, time.perf_counter(), 0
    for params, judge in settings():
        row = scores(tune, judged_contexts.predict(tune, params, judge))
        key = (round(min(row["precision"], row["recall"]), 6), round(row["f1"], 6), params.threshold)
        count += 1
        if best is None or key > best[0]:
            best = (key, params, judge, row)
    _, params, judge, row = best
    print(f"{count} settings in {time.perf_counter() - started:.0f} s\n{params}\n{judge}\non {row['pairs']} tune "
          f"pairs ({row['same']} same): precision {row['precision']:.3f}, recall {row['recall']:.3f}, F1 {row['f1']:.3f}")


# Chosen by `--choose-judge` on weeks 0103-0228's 414 pairs (docs/benchmarks/issue-29-stories.md), fixed before
# `--report-judge`; index/news/stories.py's StoryParams ships it (judge_band, judge_weight, judge_centre)
CHOSEN = Judge(mode="sentence", band=0.1, weight=0.2, centre=-2.0)


def report(leads: dict, members: dict[str, list[str]]) -> None:
    """Today's grouping and today's with the CHOSEN judge, on issue 29's parts (bench.stories --report-weeks)."""
    from bench.common import read_jsonl
    from bench.story_labels import FRESH, HOLDOUT, LABELS, Contexts, scores
    from index.news.stories import DEFAULT_PARAMS

    _, (tune_old, held_old), (tune_new, held_new) = load(leads, members)
    never = held_new + [l for l in held_old if l["file"] == HOLDOUT.name]
    fresh = [l | {"file": FRESH.name} for l in read_jsonl(FRESH) if all(w in members for w in l["week"].split("+"))]
    parts = {"tune (weeks 0103-0228, all files)": tune_old + tune_new, "held out: per-kind pairs (weeks 0307-0328)":
             held_new, "held out: those and issue 23's held-out pairs of those weeks": never,
             "held out: those and stop 37's 27 fresh pairs (the last unlabelled ones)": never + fresh,
             "weeks 0307-0328, issue 23's first pairs (issue 23 chose on them)": [
                 l for l in held_old if l["file"] == LABELS.name]}
    contexts = Contexts([l for rows in parts.values() for l in rows], leads, members)
    logits = Logits(leads)
    judged_contexts = JudgedContexts(contexts, logits, DEFAULT_PARAMS)
    keys = {l["week"] for rows in parts.values() for l in rows}
    logits.fill(judged_contexts.pairs_to_read(keys, CHOSEN.band), (CHOSEN.mode,))
    print(f"cross-encoder: {logits.computed} directed pairs computed in {logits.seconds:.0f} s", flush=True)
    shipped = Shipped(contexts)
    print("| grouping | pairs | n | same | precision | recall | F1 |\n|---|---|---:|---:|---:|---:|---:|")
    for name, predict in (("before: no judge", lambda rows: judged_contexts.predict(rows, DEFAULT_PARAMS, None)),
                          (f"judge {CHOSEN} (cached logits)",
                           lambda rows: judged_contexts.predict(rows, DEFAULT_PARAMS, CHOSEN)),
                          ("as shipped: index/news/stories.py group() with the live cross-encoder", shipped.predict)):
        for part, rows in parts.items():
            row = scores(rows, predict(rows))
            print(f"| {name} | {part} | {row['pairs']} | {row['same']} | {row['precision']:.3f} | {row['recall']:.3f} "
                  f"| {row['f1']:.3f} |")
    print(f"live cross-encoder: {shipped.pairs} directed pairs read in {shipped.seconds:.0f} s")


class Shipped:
    """The product's own path: `group(signals, DEFAULT_PARAMS, judge)` with the packaged cross-encoder's
    `score_pairs` (as index/app.py wires it), not the cache: one grouping per week key."""

    def __init__(self, contexts) -> None:
        from index.app import JUDGE_TOKENS
        from index.embedding.packaged_models import CrossEncoder

        self.contexts, self.encoder = contexts, CrossEncoder(max_tokens=JUDGE_TOKENS)
        self.stories: dict[str, dict[str, int]] = {}
        self.pairs, self.seconds = 0, 0.0

    def judge(self, pairs):
        started = time.perf_counter()
        logits = self.encoder.score_pairs(pairs)
        self.pairs, self.seconds = self.pairs + len(pairs), self.seconds + time.perf_counter() - started
        return logits

    def predict(self, labels: list[dict]) -> list[bool]:
        from index.news.stories import DEFAULT_PARAMS, group

        for key in {label["week"] for label in labels} - set(self.stories):
            ids, signals = self.contexts.signals[key]
            groups = group(signals, DEFAULT_PARAMS, self.judge)
            self.stories[key] = {ids[i]: n for n, members in enumerate(groups) for i in members}
        return [self.stories[l["week"]][l["a"]] == self.stories[l["week"]][l["b"]] for l in labels]


def time_judge(service, members: dict[str, list[str]], week: str = "20250110", rounds: int = 3) -> None:
    """A week's digest (leads read, grouped, 10 stories summarised offline) without and with the judge,
    alternated in one process (the cross-encoder loaded first, its load timed apart): medians and their ratio."""
    import statistics

    from index.app import JUDGE_TOKENS
    from index.embedding.packaged_models import CrossEncoder
    from index.news.digest import build_digest
    from index.news.leads import read_leads, window_filters

    encoder, chosen = CrossEncoder(max_tokens=JUDGE_TOKENS), set(members[week])
    started = time.perf_counter()
    encoder.score_pairs([("load", "the model")])
    load = time.perf_counter() - started
    read: list[int] = []

    def judge(pairs):
        read.append(len(pairs))
        return encoder.score_pairs(pairs)

    seconds: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(rounds):
        for name, given in (("without", None), ("with", judge)):
            started = time.perf_counter()
            leads = [lead for lead in read_leads(service.store.chunks, window_filters(("shared",), None, None))
                     if lead.passage.article_id in chosen]
            build_digest(leads, service.writer, None, None, limit=10, judge=given)
            seconds[name].append(time.perf_counter() - started)
    without, with_judge = statistics.median(seconds["without"]), statistics.median(seconds["with"])
    print(f"digest of week {week} ({len(chosen)} articles), {rounds} rounds alternated: without the judge "
          f"{', '.join(f'{x:.2f}' for x in seconds['without'])} s, with it {', '.join(f'{x:.2f}' for x in seconds['with'])} s; "
          f"medians {without:.2f} / {with_judge:.2f} s, ratio {with_judge / without:.2f}; the judge read {read[0]} "
          f"directed pairs a digest; cross-encoder load {load:.2f} s (once per process, shared with answers' second "
          f"stage); load average {os.getloadavg()[0]:.1f}")
