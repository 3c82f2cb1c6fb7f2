"""Does BM25 keep a German question on German text when both are read in German (issue 30)? The lexical
side alone, before (every text read in English: English stop words, the English stemmer, as until stop 36) and
after (`index.analysis`: a passage read in the language it is written in, a question in its own).

q1's articles are all English, so the passages are made: for each of the 62 questions of
bench/data/multilingual_questions.jsonl, the answering passage of its article (the sentence holding the
answer string with the sentences around it, up to 120 words) is put into LANG by a language model on this CPU
(a GGUF served by llama.cpp's OpenAI-compatible server, 2 threads; cached in bench/out/own_language_bm25/).
The pool is those 62 passages in LANG; each question in LANG (the set's own translation, made separately)
ranks the pool by BM25; the score is where its own passage lands: Hit@1 and MRR over the pool. Nothing is
chosen on these numbers (Snowball's stemmers and stop lists as they are), so both halves are report halves.
English questions on the English passages are the reference.

    python docs/benchmarks/own_language_bm25.py GGUF [LANG ...]     # default: de es fr it pt
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]; sys.path.insert(0, str(ROOT))
from bench.common import read_jsonl
from index.analysis import indexed_terms, terms_in
from index.store.bm25_postings import PostingsBM25
from index.text import sentence_spans, terms
from tests.support.llama_server import run_llama_server

NAMES = {"de": "German", "es": "Spanish", "fr": "French", "it": "Italian", "pt": "Portuguese"}
DATA = ROOT.parent / "shared" / "data" / "realtimeqa-2025q1"
OUT = ROOT / "bench" / "out" / "own_language_bm25"
MAX_WORDS = 120


def answering_passage(question: dict, articles: list[dict]) -> str | None:
    """The sentence of the question's week holding its answer string (the one sharing most of the question's
    terms), with the sentences around it, up to `MAX_WORDS` words; None when no article holds the answer."""
    answer, asked = question["answer"].lower(), set(terms(question["question"]))
    best = None
    for article in articles:
        if article["week"] != question["week"] or answer not in article["text"].lower():
            continue
        spans = sentence_spans(article["text"])
        for i, (start, end) in enumerate(spans):
            if answer in article["text"][start:end].lower():
                window = " ".join(article["text"][s:e].strip() for s, e in spans[max(0, i - 1): i + 2])
                overlap = len(asked & set(terms(f"{article['title']} {window}")))
                if best is None or overlap > best[0]:
                    best = (overlap, window)
    if best is None:
        return None
    return " ".join(best[1].split()[:MAX_WORDS])


def translations(passages: dict[str, str], language: str, server) -> dict[str, str]:
    """Each passage in `language`, made by the model once and kept in OUT/<language>.json."""
    from openai import OpenAI

    path = OUT / f"{language}.json"
    done = json.loads(path.read_text()) if path.exists() else {}
    client = OpenAI(base_url=server.base_url, api_key="none", timeout=600)
    for qid, text in passages.items():
        if qid in done:
            continue
        reply = client.chat.completions.create(model=server.model, temperature=0, max_tokens=400, messages=[
            {"role": "system", "content": f"You translate English news text into {NAMES[language]}. "
                                          "Reply with the translation only."},
            {"role": "user", "content": text}])
        done[qid] = reply.choices[0].message.content.strip()
        path.write_text(json.dumps(done, ensure_ascii=False, indent=1))
        print(f"  {language} {len(done)}/{len(passages)}", flush=True)
    return done


def ranks(pool: dict[str, str], questions: dict[str, str], read_passage, read_question) -> dict[str, int]:
    """Rank (1 = first) of each question's own passage in the pool, by BM25 on the given readings."""
    ids = list(pool)
    index = PostingsBM25.build([read_passage(pool[i]) for i in ids])
    out = {}
    for qid, question in questions.items():
        scores = index.get_scores(read_question(question))
        mine = scores[ids.index(qid)]
        out[qid] = 1 + int(sum(s > mine for s in scores)) if mine > 0 else len(ids) + 1
    return out


def summary(found: dict[str, int], half_of, half: str) -> str:
    rows = [r for qid, r in found.items() if half_of(qid) == half]
    hit1 = sum(r == 1 for r in rows)
    mrr = sum(1 / r for r in rows) / len(rows)
    return f"{hit1}/{len(rows)} first, MRR {mrr:.3f}"


def main() -> None:
    gguf, languages = Path(sys.argv[1]), sys.argv[2:] or list(NAMES)
    OUT.mkdir(parents=True, exist_ok=True)
    articles = read_jsonl(DATA / "articles.jsonl")
    rows = read_jsonl(ROOT / "bench" / "data" / "multilingual_questions.jsonl")
    english = {q["id"]: q for q in rows if q.get("language", "en") == "en"}
    passages = {qid: p for qid, q in english.items() if (p := answering_passage(q, articles))}
    weeks = sorted({q["week"] for q in english.values()})
    half_of = lambda qid: "tune" if weeks.index(english[qid]["week"]) % 2 == 0 else "report"
    print(f"{len(passages)} of {len(english)} questions have an answering passage; "
          f"{sum(len(p.split()) for p in passages.values()) / len(passages):.0f} words on average")
    english_reading = lambda text: terms(text)
    reference = ranks(passages, {qid: english[qid]["question"] for qid in passages}, english_reading, english_reading)
    lines = ["| language | half | English reading (before) | own-language reading (now) |", "|---|---|---|---|"]
    for half in ("tune", "report"):
        lines.append(f"| en (reference) | {half} | {summary(reference, half_of, half)} | the same |")
    with run_llama_server(gguf, n_ctx=2048, n_threads=2) as server:
        for language in languages:
            pool = {qid: text for qid, text in translations(passages, language, server).items() if qid in passages}
            asked = {q["id"].split(":")[0]: q["question"] for q in rows
                     if q.get("language") == language and q["id"].split(":")[0] in pool}
            before = ranks(pool, asked, english_reading, english_reading)
            after = ranks(pool, asked, lambda text: indexed_terms("", text), lambda text: terms_in(language, text))
            for half in ("tune", "report"):
                lines.append(f"| {language} | {half} | {summary(before, half_of, half)} | {summary(after, half_of, half)} |")
            better = sum(after[q] < before[q] for q in asked)
            worse = sum(after[q] > before[q] for q in asked)
            lines.append(f"| {language} | both: own passage ranked higher / lower | {better} / {worse} | |")
            print("\n".join(lines[-3:]), flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
