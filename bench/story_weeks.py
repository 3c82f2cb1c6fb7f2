"""How issue 29's pairs were drawn for labelling (`python -m bench.stories --sample-kinds OUT --seed 2901`).

Issue 23's sampler drew pairs by bands of lead cosine. Issue 29's errors on unseen weeks were of a few kinds
(README of docs/benchmarks/issue-29-stories.md), so these pairs are drawn per kind, per week, from pairs not
labelled before (both articles dated):

- `outlets`: at most 3 days apart, lead cosine >= 0.7 (events with several articles; q1's articles are mostly
  USA TODAY's, so "several outlets" is rare: 1,200 of 1,662 articles are usatoday.com's);
- `actor`: sharing a name that many of the week's articles use (Trump, Musk, …), at most 3 days apart,
  cosine in [0.45, 0.75) (one actor, different events?);
- `roundup`: one title reads like a roundup or an explainer (ROUNDUP below), at most 4 days apart, cosine >= 0.45;
- `feature`: no title term in common, at most 4 days apart, cosine in [0.45, 0.8) (a feature lead that never
  restates the event?);
- `far`: 6 to 12 days apart (across two adjacent weeks when needed), cosine >= 0.6.

Weeks of `HELD_OUT` get `held_per_kind` pairs of each kind, the others `tune_per_kind`: the held-out weeks'
pairs are the ones reported once.
"""
from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import numpy as np

HELD_OUT = ("20250307", "20250314", "20250321", "20250328")  # the last four q1 weeks: never used for choosing
ROUNDUP = re.compile(
    r"\b(things (you need )?to know|what (you need )?to know|what we know|news from around|recap|roundup|"
    r"explained|explainer|everything (you need|to know)|how (does|do|to)|what is|who is|list of|so far|"
    r"takeaways|top stories|briefing|here's what|live updates?)\b|^\s*(\d+|ten|five|seven)\s+\w+", re.IGNORECASE)
KINDS = ("outlets", "actor", "roundup", "feature", "far")


def _kind_tests(leads: dict, unit: dict, common: set[str]):
    """kind -> test(a, b, gap, cosine) for pairs of one week (or of two adjacent weeks for `far`)."""
    from index.news.stories import names_in
    from index.text import terms

    names = {i: names_in(f"{l.passage.title}\n{l.passage.text}") for i, l in leads.items()}
    titles = {i: set(terms(l.passage.title)) for i, l in leads.items()}
    roundup = {i: bool(ROUNDUP.search(l.passage.title)) for i, l in leads.items()}
    return {
        "outlets": lambda a, b, g, c: g <= 3 and c >= 0.7,
        "actor": lambda a, b, g, c: g <= 3 and 0.45 <= c < 0.75 and bool(names[a] & names[b] & common),
        "roundup": lambda a, b, g, c: g <= 4 and c >= 0.45 and roundup[a] != roundup[b],
        "feature": lambda a, b, g, c: g <= 4 and 0.45 <= c < 0.8 and not titles[a] & titles[b],
        "far": lambda a, b, g, c: 6 <= g <= 12 and c >= 0.6,
    }


def draw(leads: dict, members: dict[str, list[str]], seen: set[frozenset], seed: int,
         tune_per_kind: int = 2, held_per_kind: int = 12) -> list[tuple[str, str, str, str]]:
    """(week key, kind, a, b) rows: per week and kind, pairs drawn at random from those that fit."""
    from index.news.stories import names_in

    rng, weeks, rows = random.Random(seed), sorted(members), []
    unit = {i: lead.vector / np.linalg.norm(lead.vector) for i, lead in leads.items()}
    taken = set(seen)
    for index, week in enumerate(weeks):
        counts = Counter(n for i in members[week] for n in names_in(f"{leads[i].passage.title}\n{leads[i].passage.text}"))
        common = {n for n, k in counts.items() if k >= max(4, len(members[week]) // 15)}
        tests = _kind_tests({i: leads[i] for w in weeks[index:index + 2] for i in members[w]}, unit, common)
        dated = [i for i in members[week] if leads[i].day >= 0]
        following = [i for i in members.get(weeks[index + 1], []) if leads[i].day >= 0] if index + 1 < len(weeks) else []
        per_kind = held_per_kind if week in HELD_OUT else tune_per_kind
        for kind in KINDS:
            pool = list(itertools.combinations(dated, 2))
            if kind == "far" and following and (week in HELD_OUT) == (weeks[index + 1] in HELD_OUT):
                pool += [(a, b) for a in dated for b in following]
            found = [(a, b) for a, b in pool if frozenset((a, b)) not in taken and tests[kind](
                a, b, abs(leads[a].day - leads[b].day), float(unit[a] @ unit[b]))]
            rng.shuffle(found)
            for a, b in found[:per_kind]:
                key = week if b in members[week] else f"{week}+{weeks[index + 1]}"
                rows.append((key, kind, a, b))
                taken.add(frozenset((a, b)))
    return rows


def split(labels: list[dict]) -> tuple[list[dict], list[dict]]:
    """(tune, held out): the pairs all of whose weeks are before HELD_OUT, and those all of whose weeks are in
    it; a pair across the boundary is in neither."""
    weeks = [set(label["week"].split("+")) for label in labels]
    return ([l for l, w in zip(labels, weeks) if not w & set(HELD_OUT)],
            [l for l, w in zip(labels, weeks) if w <= set(HELD_OUT)])
