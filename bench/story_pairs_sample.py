"""How the pairs of bench/data/story_pairs.jsonl were drawn, for labelling by hand (issue 23).

    python bench/story_pairs_sample.py --home DIR OUT.jsonl

DIR as for bench/stories.py. Per week: 4 random pairs published at most 4 days apart from each band of
lead-vector cosine [0.3, 0.5), [0.5, 0.65), [0.65, 0.8), [0.8, 1], and 3 random pairs further apart with a
cosine of at least 0.55 (same topic, another time); per two adjacent weeks, 3 random pairs at most 6 days
apart with a cosine of at least 0.4. Seed 23. Each row carries both titles and leads to read; the label
and a one-line reason were then written by hand.
"""
import json, random, sys
from pathlib import Path
import numpy as np
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
import stories
if len(sys.argv) != 4 or sys.argv[1] != "--home":
    raise SystemExit(__doc__)
service = stories.open_service(Path(sys.argv[2]))
leads = stories.load_leads(service)
members = stories.week_members(leads)
weeks = sorted(members)
rng = random.Random(23)
def cos(a, b):
    va, vb = leads[a].vector, leads[b].vector
    return float(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))
def gap(a, b):
    da, db = leads[a].day, leads[b].day
    return None if da < 0 or db < 0 else abs(da - db)
BINS = [(0.3, 0.5), (0.5, 0.65), (0.65, 0.8), (0.8, 1.01)]
out = []
for w in weeks:
    ids = members[w]
    bins = {b: [] for b in BINS}; far = []
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            a, b = ids[x], ids[y]; c, g = cos(a, b), gap(a, b)
            if g is None: continue
            if g <= 4:
                for lo, hi in BINS:
                    if lo <= c < hi: bins[(lo, hi)].append((a, b))
            elif c >= 0.55:
                far.append((a, b))
    for b in BINS:
        rng.shuffle(bins[b]); out += [(w, a, bb) for a, bb in bins[b][:4]]
    rng.shuffle(far); out += [(w, a, b) for a, b in far[:3]]
for w1, w2 in zip(weeks, weeks[1:]):
    cand = [(a, b) for a in members[w1] for b in members[w2] if gap(a, b) is not None and gap(a, b) <= 6 and cos(a, b) >= 0.4]
    rng.shuffle(cand); out += [(f"{w1}+{w2}", a, b) for a, b in cand[:3]]
with open(sys.argv[3], "w") as f:
    for n, (w, a, b) in enumerate(out):
        pa, pb = leads[a].passage, leads[b].passage
        f.write(json.dumps({"n": n, "week": w, "a": a, "b": b, "title_a": pa.title, "title_b": pb.title,
                            "published_a": pa.published, "published_b": pb.published,
                            "lead_a": " ".join(pa.text.split())[:220], "lead_b": " ".join(pb.text.split())[:220],
                            "cos": round(cos(a, b), 3), "gap": gap(a, b)}, ensure_ascii=False) + "\n")
print(len(out))
