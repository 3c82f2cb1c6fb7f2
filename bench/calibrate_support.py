"""Calibrate the support threshold of index/answering/support.py on real articles (realtimeqa-2025q1).

Pairs (claim, passage), all built from the data and the system's own retrieval, no labelling by hand:

- answer positive:   "<question> <right answer>."  vs the best retrieved passage containing the answer
- wrong-choice neg.: "<question> <wrong choice>."  vs that same passage (choices absent from it only):
                     same topic, same words, wrong fact: the hardest case
- other-article neg.: "<question> <right answer>." vs the best retrieved passage of another article that
                     does not contain the answer (same topic, retrieved by the system)
- headline positive: an article's title vs its own first passage (title withheld): a human rewording
- headline negative: the title vs the best retrieved passage of another article (title withheld)

Prints the score distributions, each feature's ROC AUC, and the threshold that maximises
TPR − FPR (Youden's J) over all pairs, with TPR and the rejection rate per negative kind.

    python -m bench.calibrate_support --weeks 20250314,20250328 [--json out.json] [--home DIR]
    python -m bench.calibrate_support --quick     # the first 10 articles of week 20250314, one quote a passage
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from bench.common import add_common_arguments, auc, clean_environment, data_set, quick_slice
from index.evaluation import scoring as evaluation
from index.answering import support
from index.app import build_embedder, build_service
from index.evaluation.run import to_articles
from index.settings import Settings
from index.text import STOPWORDS, jaccard, sentence_spans, shingles

# --quick: the first 10 articles (the 8th to 10th answer the week's questions, so every kind of pair occurs) and
# one quote a passage: each question, headline and quote costs a retrieval (the cross-encoder reads 10 passages)
QUICK_ARTICLES, QUICK_QUOTES = 10, 1


def build_pairs(service, rows: list[dict], questions: list[dict], per_passage: int = 2
                ) -> list[tuple[str, str, str, str]]:
    """(kind, claim, title, text) pairs; kind ends in '+' for positives (`per_passage` quotes of each lead)."""
    pairs = []
    for q in evaluation.answerable(questions, rows):
        passages = service.retriever.retrieve(service.retriever.embed_query(q["question"]), 10)
        gold = next((p for p in passages if evaluation.contains(p.text, q["answer"])), None)
        if gold is None:
            continue
        pairs.append(("answer+", f"{q['question']} {q['answer']}.", gold.title, gold.text))
        for choice in q["choices"]:
            if choice != q["answer"] and not evaluation.contains(gold.text + gold.title, choice):
                pairs.append(("wrong-choice-", f"{q['question']} {choice}.", gold.title, gold.text))
        other = next((p for p in passages if p.article_id != gold.article_id
                      and not evaluation.contains(p.text + p.title, q["answer"])), None)
        if other is not None:
            pairs.append(("other-article-", f"{q['question']} {q['answer']}.", other.title, other.text))
    snapshot = service.lexical.snapshot()
    for text, meta in zip(snapshot.texts, snapshot.metadatas):
        title, article_id = str(meta.get("title", "")), str(meta.get("article_id", ""))
        if int(meta.get("position") or 0) != 0 or len(title.split()) < 4:
            continue
        pairs.append(("headline+", title, "", text))
        others = [p for p in service.retriever.retrieve(service.retriever.embed_query(title), 10)
                  if p.article_id != article_id and p.title.strip().lower() != title.strip().lower()
                  and jaccard(shingles(p.text), shingles(text)) < 0.5]
        if others:
            pairs.append(("headline-", title, "", others[0].text))
        pairs += sentence_pairs(service, text, article_id, per_passage)
    return pairs


def _sentences(text: str, min_words: int = 10) -> list[str]:
    return [text[a:b].strip() for a, b in sentence_spans(text) if len(text[a:b].split()) >= min_words]


def compressed(sentence: str) -> str:
    """A model-like shortening: the sentence cut after its first clause or at 60 % of its words."""
    words = sentence.rstrip(".").split()
    cut = max(8, int(len(words) * 0.6))
    head = " ".join(words[:cut])
    if "," in head[len(" ".join(words[:6])):]:
        head = head[: head.index(",", len(" ".join(words[:6])))]
    words = head.rstrip(",;:").split()
    while words and words[-1].lower() in STOPWORDS:
        words.pop()
    return " ".join(words) + "."


def sentence_pairs(service, text: str, article_id: str, per_passage: int = 2) -> list[tuple[str, str, str, str]]:
    """Quotes and shortened quotes of a passage vs the passage, and the nearest sentence of another
    article (retrieved by the system, not a near-copy) vs the passage."""
    pairs = []
    for sentence in _sentences(text)[:per_passage]:
        pairs.append(("quote+", sentence, "", text))
        pairs.append(("shortened+", compressed(sentence), "", text))
        query = service.retriever.embed_query(sentence)
        other = next((p for p in service.retriever.retrieve(query, 10) if p.article_id != article_id
                      and jaccard(shingles(p.text), shingles(text)) < 0.5), None)
        candidates = [s for s in _sentences(other.text) if jaccard(shingles(s), shingles(sentence)) < 0.3] \
            if other else []
        if candidates:
            nearest = candidates[int(np.argmax(service.embedder.embed(candidates) @ query.vector))]
            pairs.append(("other-sentence-", nearest, "", text))
    return pairs


def summarize_scores(kinds: list[str], supports: list[support.Support]) -> dict:
    """Pair counts, AUCs, the numbers rule's rejections, the threshold and pass rates per kind of pair."""
    positive = np.array([k.endswith("+") for k in kinds])
    scores = np.array([s.score if s.numbers_found else 0.0 for s in supports])
    report: dict = {"pairs": {k: kinds.count(k) for k in sorted(set(kinds))}}
    for name, values in (("lexical", [s.lexical for s in supports]), ("semantic", [s.semantic for s in supports]),
                         ("combined", list(scores))):
        v = np.array(values)
        report[f"auc_{name}"] = round(auc(list(v[positive]), list(v[~positive])), 3)
    missing_numbers = np.array([not s.numbers_found for s in supports])
    report["numbers_rule_rejects_by_kind"] = {k: round(float(missing_numbers[np.array(kinds) == k].mean()), 3)
                                              for k in sorted(set(kinds))}
    candidates = np.round(np.arange(0.30, 0.91, 0.01), 2)

    def pass_rates(t: float) -> dict[str, float]:
        return {k: float(np.mean(scores[np.array(kinds) == k] >= t)) for k in sorted(set(kinds))}

    def macro_j(t: float) -> float:  # each kind of pair weighs the same, however many pairs it has
        rates = pass_rates(t)
        return (np.mean([r for k, r in rates.items() if k.endswith("+")])
                - np.mean([r for k, r in rates.items() if k.endswith("-")]))

    pooled = [np.mean(scores[positive] >= t) - np.mean(scores[~positive] >= t) for t in candidates]
    report["threshold_pooled_youden"] = float(candidates[int(np.argmax(pooled))])
    best = float(candidates[int(np.argmax([macro_j(t) for t in candidates]))])
    report["threshold"] = best  # macro-averaged Youden's J: the one index/answering/support.py uses
    report["mean_score"] = {k: round(float(scores[np.array(kinds) == k].mean()), 3) for k in sorted(set(kinds))}
    report["pass_rate_by_kind"] = {f"{t:.2f}": {"macro_j": round(float(macro_j(t)), 3),
                                                **{k: round(r, 3) for k, r in pass_rates(t).items()}}
                                   for t in sorted({*np.round(np.arange(0.40, 0.81, 0.05), 2), best})}
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--weeks", default="20250314,20250328")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--home", type=Path, help="keep the index here between runs (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="calibrate-") as scratch, clean_environment():
        data = data_set(args.data)
        if args.quick:
            args.weeks = "20250314"
            data = quick_slice(data, Path(scratch) / "data", weeks=("20250314",), per_week=QUICK_ARTICLES)
        weeks = evaluation.parse_weeks(args.weeks)
        rows = evaluation.load_articles(data.articles, weeks)
        questions = evaluation.load_questions(data.questions, weeks)
        settings = Settings(home=args.home or Path(scratch), openai_api_key=None, openai_base_url="",
                            chroma_host="")
        service = build_service(settings, embedder=build_embedder(settings), collection="calibrate")
        service.indexer.index("eval", to_articles(rows), None, False)  # incremental: fast with --home
        service.store.bump_generation()
        pairs = build_pairs(service, rows, questions, QUICK_QUOTES if args.quick else 2)
        supports = support.score([c for _, c, _, _ in pairs], [(t, x) for _, _, t, x in pairs],
                                 [(i, i) for i in range(len(pairs))], service.embedder.embed)
    report = {"weeks": sorted(weeks or []), **summarize_scores([k for k, *_ in pairs], supports)}
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
