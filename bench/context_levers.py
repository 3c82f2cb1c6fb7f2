"""What fills the first 4,000 characters: three levers against today's retrieval (issue 14, fourth pass).

    python bench/context_levers.py --home DIR windows     # each passage cut to a window around its best sentence
    python bench/context_levers.py --home DIR diversity   # maximal marginal relevance over the fused candidates
    python bench/context_levers.py --home DIR feedback    # dense pseudo-relevance feedback (Rocchio on the vector)
    python bench/context_levers.py --home DIR together    # MMR, then windows, each as chosen on tune
    python bench/context_levers.py --home DIR exact       # the dense side's exact top 40 instead of Chroma's HNSW
    python bench/context_levers.py --home DIR chunks      # Recall@C with 10 and 20 passages (another chunk size's home)
    python bench/context_levers.py --home DIR timing      # a window's extra embedding against one ask, one run

DIR is a NEWSBOT_HOME indexed by `newsbot eval` (see bench/retrieval_ablation.py); nothing is re-indexed.
Today's retrieval (index/retrieval/hybrid.py, default `RetrievalConfig`) gives each answerable question its
40 best distinct passages once; every variant of a lever re-orders or cuts those (`feedback` asks again
with another vector). The rule is fixed before any report row is read: every variant is scored on the
tune half only; the one with the best tune Recall@4000c is chosen (ties: the cheaper, then the best mean
of Recall@2000c/4000c/8000c, then the first listed); only then are today's and the chosen variant's report
and all rows printed. A chosen variant is kept as the default only if it does not lose on report.
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from retrieval_ablation import DATA, open_service  # noqa: E402
from index.answering import extractive  # noqa: E402
from index.evaluation import scoring as evaluation  # noqa: E402
from index.retrieval.hybrid import Query  # noqa: E402
from index.text import sentence_spans, terms  # noqa: E402
from index.types import Passage  # noqa: E402

CHARS = (2000, 4000, 8000)
POOL = 40  # distinct passages kept per question
SENTENCE_POOL = 20  # passages whose sentences are embedded (windows only)


@dataclass
class Item:
    """One answerable question and today's candidates for it."""

    question: dict
    half: str
    query: Query
    passages: list[Passage]
    vectors: np.ndarray  # the passages' chunk vectors, row per passage
    sentences: dict[int, tuple[list[tuple[int, int]], np.ndarray]] = field(default_factory=dict)  # passage ->
    # (sentence spans, sentence vectors), for the windows


def sentences_of(item: Item, index: int, embed) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The spans and MiniLM vectors of the sentences of the item's passage `index` (computed once)."""
    if index not in item.sentences:
        text = item.passages[index].text
        spans = sentence_spans(text)
        item.sentences[index] = (spans, embed([text[a:b] for a, b in spans]) if spans
                                 else np.zeros((0, len(item.query.vector))))
    return item.sentences[index]


def gather(service, with_sentences: bool, limit: int | None = None) -> list[Item]:
    """Today's 40 best distinct passages per answerable question (the first `limit` questions), their
    vectors, and (for windows) the spans and vectors of the sentences of the first 20."""
    rows = evaluation.load_articles(DATA / "articles.jsonl")
    questions = evaluation.load_questions(DATA / "questions.jsonl")
    tune_weeks, _ = evaluation.split_weeks(q["week"] for q in questions)
    retriever, items = service.retriever, []
    for q in evaluation.answerable(questions, rows)[:limit]:
        query = retriever.embed_query(q["question"])
        passages = retriever.retrieve(query, POOL)
        found = {c.id: c.embedding for c in service.store.chunks.get([p.chunk_id for p in passages], metadata=False,
                                                                     embeddings=True)}
        item = Item(q, "tune" if q["week"] in tune_weeks else "report", query, passages,
                    np.array([found[p.chunk_id] for p in passages]))
        if with_sentences:
            for index in range(min(SENTENCE_POOL, len(passages))):
                sentences_of(item, index, service.embedder.embed)
        items.append(item)
    return items


def texts(item: Item, order) -> list[str]:
    """The texts of the item's passages in `order` (indices; those past its last passage are skipped)."""
    return [item.passages[i].text for i in order if i < len(item.passages)]


def recalls(texts: list[str], answer: str) -> list[bool]:
    """Recall at 2,000, 4,000 and 8,000 characters of the ranked texts."""
    return [evaluation.recall_at_chars(texts, answer, chars) for chars in CHARS]


def half_row(label: str, hits: dict[str, list[bool]], gold: list[dict], tune_weeks: set[str], half: str) -> str:
    """One markdown row: mean Recall@2000c/4000c/8000c and the questions found at 4000c over the questions
    of `half` ("tune", "report" or "all"); `hits`: question id -> those three recalls (more may follow)."""
    chosen = np.array([hits[q["id"]][:len(CHARS)] for q in gold
                       if half == "all" or (q["week"] in tune_weeks) == (half == "tune")])
    return (f"| {label} | {half} ({len(chosen)}) | " + " | ".join(f"{m:.3f}" for m in chosen.mean(axis=0))
            + f" | {int(chosen[:, 1].sum())} |")


def row(items: list[Item], half: str, texts_of) -> tuple[np.ndarray, int]:
    """(mean Recall@2000c/4000c/8000c, questions found at 4000c) over the items of `half` ("all": every item)."""
    hits = [recalls(texts_of(item), item.question["answer"]) for item in items if half in ("all", item.half)]
    return np.mean(hits, axis=0), int(np.sum(hits, axis=0)[1])


# -- the levers ----------------------------------------------------------------------------------------
def window(text: str, spans: list[tuple[int, int]], anchor: int, width: int) -> str:
    """The sentence `anchor` and its neighbours, following ones first, as long as the cut stays within
    `width` characters (the anchor alone when it is longer)."""
    low = high = anchor
    while True:
        if high + 1 < len(spans) and spans[high + 1][1] - spans[low][0] <= width:
            high += 1
        elif low > 0 and spans[high][1] - spans[low - 1][0] <= width:
            low -= 1
        else:
            return text[spans[low][0]:spans[high][1]]


def windowed(item: Item, width: int, shortlist: int, order: list[int], idf, embed) -> list[str]:
    """The passages of `order`, each cut to a window around its best sentence: of its `shortlist`
    sentences that cover the most of the question's terms (IDF-weighted), the one most similar to the
    question (MiniLM); only the shortlist is embedded at question time."""
    question_terms, texts = terms(item.question["question"]), []
    for index in order:
        p, (spans, vectors) = item.passages[index], sentences_of(item, index, embed)
        if not spans:
            texts.append(p.text)
            continue
        lexical = np.array([extractive.coverage(question_terms, set(terms(p.text[a:b])), idf) for a, b in spans])
        listed = np.argsort(-lexical, kind="stable")[:shortlist]
        anchor = int(listed[int(np.argmax(vectors[listed] @ item.query.vector))])
        texts.append(window(p.text, spans, anchor, width))
    return texts


def diverse(item: Item, weight: float, relevance: str, count: int = 10) -> list[int]:
    """Maximal marginal relevance (Carbonell and Goldstein 1998): repeatedly the candidate with the best
    weight x relevance - (1 - weight) x its highest cosine to one already taken. Relevance is the fused
    score over the best one's ("fused") or the cosine to the question ("dense"). Passage indices."""
    if relevance == "fused":
        scores = np.array([p.score for p in item.passages])
        relevant = scores / scores.max()
    else:
        relevant = item.vectors @ item.query.vector
    taken: list[int] = []
    left = list(range(len(item.passages)))
    while left and len(taken) < count:
        redundancy = (item.vectors[left] @ item.vectors[taken].T).max(axis=1) if taken else np.zeros(len(left))
        best = left[int(np.argmax(weight * relevant[left] - (1 - weight) * redundancy))]
        taken.append(best)
        left.remove(best)
    return taken


def fed_back(service, item: Item, weight: float, first: int) -> list[str]:
    """Ask again with the question's vector moved towards its `first` best passages' mean (Rocchio)."""
    vector = item.query.vector + weight * item.vectors[:first].mean(axis=0)
    query = Query(text=item.query.text, vector=vector / np.linalg.norm(vector))
    return [p.text for p in service.retriever.retrieve(query, 10)]


def stored_vectors(service) -> tuple[list[str], np.ndarray]:
    """Every stored chunk's id and vector, in the store's order."""
    ids, vectors = [], []
    for page in service.store.chunks.pages(text=False, metadata=False, embeddings=True):
        ids += [c.id for c in page]
        vectors += [c.embedding for c in page]
    return ids, np.array(vectors, dtype=np.float32)


def add_records(chunks, chunk_ids: list[str], records: dict) -> None:
    """Read the text and metadata of the chunks of `chunk_ids` not yet in `records` (the retriever's
    id -> (text, metadata) map that passages are made from)."""
    for chunk in chunks.get([i for i in chunk_ids if i not in records], text=True, metadata=True):
        records[chunk.id] = (chunk.text, dict(chunk.metadata))


def ranked_dense(service, ids: list[str], score):
    """A stand-in for the retriever's dense side that ranks every chunk of `ids` exactly: `score(vector)`
    gives (the ranking score, the cosine) of each, as two arrays in the order of `ids`."""
    def dense(query: Query, records: dict, similarity: dict) -> list[str]:
        ranking, cosines = score(query.vector)
        order = np.argsort(-ranking)[: service.retriever.candidates]
        top = [ids[i] for i in order]
        add_records(service.store.chunks, top, records)
        similarity.update({ids[i]: float(cosines[i]) for i in order})
        return top
    return dense


def exact_dense(service, ids: list[str] | None = None, matrix: np.ndarray | None = None):
    """The dense side ranking every chunk by its exact cosine (Chroma's HNSW index is approximate: does
    what it misses matter?): over the stored vectors, or over `matrix`, whose rows are the chunks `ids`
    (bench/lead_context.py's other vectors)."""
    if matrix is None:
        ids, matrix = stored_vectors(service)

    def cosines(vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found = matrix @ vector
        return found, found
    return ranked_dense(service, ids, cosines)


def exactly(service, item: Item, dense) -> list[str]:
    """Today's retrieval with the exact dense side."""
    approximate, service.retriever._dense = service.retriever._dense, dense
    try:
        return [p.text for p in service.retriever.retrieve(item.query, 10)]
    finally:
        service.retriever._dense = approximate


# -- the rule --------------------------------------------------------------------------------------------
def choose(items: list[Item], variants: dict[str, tuple[object, float]]) -> str:
    """Print every variant's tune row and return the chosen one's name; `variants`: name -> (texts_of, cost)."""
    best, best_key = "", None
    for name, (texts_of, cost) in variants.items():
        means, found = row(items, "tune", texts_of)
        print(f"| {name} | tune | {' | '.join(f'{m:.3f}' for m in means)} | {found} |", flush=True)
        key = (found, -cost, float(means.mean()))
        if best_key is None or key > best_key:
            best, best_key = name, key
    return best


def report(items: list[Item], today, chosen: str, texts_of) -> None:
    """Today's and the chosen variant's rows on every half."""
    for name, function in (("today", today), (f"chosen: {chosen}", texts_of)):
        for half in ("tune", "report", "all"):
            means, found = row(items, half, function)
            print(f"| {name} | {half} | {' | '.join(f'{m:.3f}' for m in means)} | {found} |")


def window_answers(service, items: list[Item], texts_of) -> None:
    """Offline answer accuracy when the answer is written from the windows (the first 6, as many as
    today's answer reads, and all of them) instead of today's 6 whole passages; `texts_of` keeps the
    passages' order."""
    idf, embed = service.lexical.snapshot().idf, service.embedder.embed
    for label, windows, count in (("today's 6 whole passages", False, 6), ("the first 6 windows", True, 6),
                                  ("every window", True, None)):
        for half in ("tune", "report", "all"):
            right = []
            for item in (i for i in items if half in ("all", i.half)):
                cut = texts_of(item) if windows else [p.text for p in item.passages]
                passages = [dataclasses.replace(p, text=t) for p, t in zip(item.passages, cut)][:count]
                q, answer = item.question, extractive.answer(item.question["question"], item.query.vector,
                                                             passages, embed, idf)
                right.append(evaluation.answer_correct(None if answer.refused else answer.text, q["answer"],
                                                       q["choices"]))
            print(f"| answers from {label} | {half} | accuracy {np.mean(right):.3f} ({sum(right)}) |")


def variants_for(lever: str, service, items: list[Item]) -> dict[str, tuple[object, float]]:
    """name -> (texts of an item, cost) for every variant of `lever`; cost orders ties (fewer embedded
    sentences, or fewer extra questions to the store)."""
    idf, embed = service.lexical.snapshot().idf, service.embedder.embed
    if lever == "windows":
        grid = itertools.product((250, 300, 350, 400, 450, 600), (1, 2, 3), (10, 15, 20))
        return {f"windows of {w} chars, {m} sentences embedded per passage, {n} passages":
                ((lambda item, w=w, m=m, n=n: windowed(item, w, m, list(range(n)), idf, embed)), m * n)
                for w, m, n in grid}
    if lever == "diversity":
        grid = itertools.product(("fused", "dense"), (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95))
        return {f"MMR, {r} relevance, weight {w}": ((lambda item, w=w, r=r: texts(item, diverse(item, w, r))), 0)
                for r, w in grid}
    if lever == "together":  # the windows and MMR each as chosen on tune (dense feedback lost most on report)
        return {"MMR (fused, 0.5), then windows of 350 chars, 3 embedded, 15 passages":
                ((lambda item: windowed(item, 350, 3, diverse(item, 0.5, "fused", 15), idf, embed)), 0)}
    if lever == "exact":
        dense = exact_dense(service)
        return {"exact dense top 40": ((lambda item: exactly(service, item, dense)), 0)}
    grid = itertools.product((0.25, 0.5, 1.0), (1, 3, 5))
    return {f"dense feedback, weight {w}, {m} passages": ((lambda item, w=w, m=m: fed_back(service, item, w, m)), 1)
            for w, m in grid}


def timing(service, items: list[Item], count: int = 40) -> None:
    """Median time of one offline ask against the median time of embedding what the windows lever adds at
    question time (3 shortlisted sentences of each of 15 passages, and all sentences of 20), alternating
    per question in one run."""
    import statistics
    import time

    times: dict[str, list[float]] = {"ask": [], "3 x 15 sentences": [], "every sentence of 20 passages": []}
    for item in items[:count]:
        sentences = [[item.passages[i].text[a:b] for a, b in item.sentences[i][0]] for i in sorted(item.sentences)]
        for name, texts in (("ask", None), ("3 x 15 sentences", [t for group in sentences[:15] for t in group[:3]]),
                            ("every sentence of 20 passages", [t for group in sentences for t in group])):
            begun = time.perf_counter()
            service.ask(item.question["question"]) if texts is None else service.embedder.embed(texts)
            times[name].append(time.perf_counter() - begun)
    ask = statistics.median(times["ask"])
    print(" | ".join(f"{name}: {statistics.median(v) / ask:.2f}x one ask" for name, v in times.items()))


def main() -> int:
    """Print the lever's tune rows, the chosen variant, and its report and all rows beside today's."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("lever", choices=("windows", "diversity", "feedback", "together", "exact", "chunks", "timing"))
    args = parser.parse_args()
    service = open_service(args.home, None)
    items = gather(service, with_sentences=args.lever in ("windows", "timing"),
                   limit=40 if args.lever == "timing" else None)
    if args.lever == "timing":
        timing(service, items)
        return 0
    print("| variant | weeks | Recall@2000c | Recall@4000c | Recall@8000c | found at 4000c |")
    print("|---|---|---|---|---|---|")
    if args.lever == "chunks":
        for count in (10, 20):
            for half in ("tune", "report", "all"):
                means, found = row(items, half, lambda item, c=count: texts(item, range(c)))
                print(f"| {count} passages | {half} | {' | '.join(f'{m:.3f}' for m in means)} | {found} |")
        return 0
    variants = variants_for(args.lever, service, items)
    chosen = choose(items, variants)
    report(items, lambda item: texts(item, range(10)), chosen, variants[chosen][0])
    if args.lever == "windows":
        window_answers(service, items, variants[chosen][0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
