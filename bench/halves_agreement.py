"""Do the two halves disagree more than chance would? (issue 14, fifth pass)

    python bench/halves_agreement.py --home DIR [--chunks-home DIR160] [--list]

Every retrieval lever of the fourth pass that won on the tune half lost on the report half. This counts,
per lever (each in the variant the tune half chose) and per half, the questions it finds at 4,000
characters that today's retrieval misses (gained) and the reverse (lost), then asks two questions of those
counts with exact tests:
  - does the lever change Recall@4000c on this half? McNemar's exact test: the gains among the questions
    where the two disagree, against a fair coin;
  - is its effect different on the two halves? Fisher's exact test on gained/lost x tune/report;
and how many of the gained and lost questions have the answer in a text that is about the question (it
covers half of the question's IDF-weighted terms, the offline answer's support rule), not by chance.
DIR is a NEWSBOT_HOME indexed by `newsbot eval` (bench/retrieval_ablation.py); `--chunks-home` is one
indexed with another chunk size (bench/context_levers.py chunks), compared question by question. `--list`
also prints every question a lever changed, with where today ranks the first passage that holds the answer
and that passage's highest cosine to a passage ranked above it (what MMR penalises).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from exact_tests import fisher_exact, mcnemar_exact  # noqa: E402
from context_levers import diverse, fed_back, gather, texts, windowed  # noqa: E402
from retrieval_ablation import open_service  # noqa: E402
from index.answering import extractive  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.text import terms  # noqa: E402

CHARS = 4000


def on_topic(ranked: list[str], sources: list[str], question: str, answer: str, idf) -> bool:
    """Whether the first text that holds the answer within the first 4,000 characters comes from a passage
    about the question: one that covers at least half of the question's IDF-weighted terms (the offline
    answer's own support rule, extractive.MIN_SUPPORT). Otherwise the answer string is there by chance
    ("Osaka" in a court ruling, for a question about a smoking ban). `sources[i]` is the whole passage
    `ranked[i]` was cut from (itself when nothing was cut)."""
    joined, start = "\n".join(ranked)[:CHARS], 0
    for text, source in zip(ranked, sources):
        if evaluation.contains(joined[start:start + len(text)], answer):
            return extractive.coverage(terms(question), set(terms(source)), idf) >= extractive.MIN_SUPPORT
        start += len(text) + 1
    return False


def found(items, texts_of, idf, sources_of=None) -> dict[str, tuple[bool, bool]]:
    """Question id -> (the answer is within the first 4,000 characters of `texts_of(item)`, and there in a
    passage about the question); `sources_of(item)`: the whole passages the texts were cut from."""
    out = {}
    for item in items:
        ranked, q = texts_of(item), item.question
        hit = evaluation.recall_at_chars(ranked, q["answer"], CHARS)
        sources = sources_of(item) if sources_of else ranked
        out[q["id"]] = (hit, hit and on_topic(ranked, sources, q["question"], q["answer"], idf))
    return out


def counts(today: dict, lever: dict, ids: list[str]) -> tuple[int, int, int, int]:
    """(gained, of those on topic, lost, of those on topic) over `ids`."""
    gained = [i for i in ids if lever[i][0] and not today[i][0]]
    lost = [i for i in ids if today[i][0] and not lever[i][0]]
    return len(gained), sum(lever[i][1] for i in gained), len(lost), sum(today[i][1] for i in lost)


def changed(name: str, items, today: dict, lever: dict) -> list[str]:
    """One line per question the lever gained or lost: where today ranks the answer's first passage, and
    its highest cosine to a passage above it."""
    lines = []
    for item in items:
        i = item.question["id"]
        if lever[i][0] == today[i][0]:
            continue
        rank = next((r for r, p in enumerate(item.passages) if evaluation.contains(p.text, item.question["answer"])),
                    None)
        above = max((float(item.vectors[rank] @ item.vectors[r]) for r in range(rank)), default=0.0) if rank else 0.0
        lines.append(f"{name} | {item.half} | {'gained' if lever[i][0] else 'lost'} | "
                     f"{'on topic' if (lever[i] if lever[i][0] else today[i])[1] else 'by chance'} | today's rank "
                     f"{'-' if rank is None else rank + 1} | cosine to a passage above {above:.2f} | {item.question['question'][:70]}")
    return lines


def main() -> int:
    """Print one row per lever and half, and whether the halves differ."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--chunks-home", type=Path, default=None)
    parser.add_argument("--list", action="store_true", help="also every question each lever changed")
    args = parser.parse_args()
    service = open_service(args.home, None)
    items = gather(service, with_sentences=True)
    idf, embed = service.lexical.snapshot().idf, service.embedder.embed
    today = found(items, lambda item: texts(item, range(10)), idf)
    levers = {
        "windows (350 chars, 3 embedded, 15 passages)": found(
            items, lambda item: windowed(item, 350, 3, list(range(15)), idf, embed), idf,
            lambda item: texts(item, range(15))),
        "MMR (fused, 0.5)": found(items, lambda item: texts(item, diverse(item, 0.5, "fused")), idf),
        "MMR, then windows": found(
            items, lambda item: windowed(item, 350, 3, diverse(item, 0.5, "fused", 15), idf, embed), idf,
            lambda item: texts(item, diverse(item, 0.5, "fused", 15))),
        "dense feedback (weight 1, 1 passage)": found(items, lambda item: fed_back(service, item, 1.0, 1), idf),
    }
    if args.chunks_home:
        other = gather(open_service(args.chunks_home, None), with_sentences=False)
        levers[f"chunks of {args.chunks_home.name}"] = found(other, lambda item: texts(item, range(10)), idf)
    halves = {half: [i.question["id"] for i in items if i.half == half] for half in ("tune", "report")}
    print("| lever | weeks | gained (on topic) | lost (on topic) | net | McNemar exact p "
          "| halves differ: Fisher exact p |")
    print("|---|---|---|---|---|---|---|")
    for name, lever in levers.items():
        rows = [counts(today, lever, halves[half]) for half in ("tune", "report")]
        differ = fisher_exact([(gained, lost) for gained, _, lost, _ in rows])
        for half, (gained, gained_on_topic, lost, lost_on_topic) in zip(("tune", "report"), rows):
            print(f"| {name} | {half} ({len(halves[half])}) | {gained} ({gained_on_topic}) | {lost} ({lost_on_topic}) "
                  f"| {gained - lost:+d} | {mcnemar_exact(gained, lost):.2f} | {differ:.2f} |")
    if args.list:
        print("\n".join(line for name, lever in levers.items() for line in changed(name, items, today, lever)))
    print("on topic at 4000c, today: " + ", ".join(
        f"{half} {sum(today[i][1] for i in ids)} of {sum(today[i][0] for i in ids)} found" for half, ids in halves.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
