"""Embedding backends compared on real news text: agreement, throughput vs. the CPU's matmul limit, cold start.

    python -m bench.embed_throughput quality            # ONNX int8 vs sentence-transformers fp32
    python -m bench.embed_throughput speed [--rounds 4] # tokens/s, interleaved A,B,C,A,B,C,...
    python -m bench.embed_throughput coldstart [--rounds 5]
    python -m bench.embed_throughput [all] [--quick]    # all three (--quick: 16 passages, one round)

Needs the torch extra (`pip install -e ".[torch]"`) for the sentence-transformers side.

Passages: ~2,000 windows of 200 word pieces cut from the data set's articles.jsonl (bench/common.py)
(at most 2 per article); queries: the questions in questions.jsonl. Results go to bench/out/*.json.

The machine is shared with other CPU-heavy jobs, so every timing is taken interleaved (each round runs
every backend once, in rotated order) and reported as a ratio to the other backends / to a matmul rate
measured within the same rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from bench.common import ROOT, data_set, out_dir
from bench.scale_machine import HIDDEN, INTER, flops_per_token, useful_flops  # one definition of the limit
from index.embedding.embedders import MiniLMEmbedder
from index.embedding.onnx_minilm import OnnxMiniLMEmbedder, plan_batches

DATA = data_set().folder


# ---------------------------------------------------------------- data


def load_passages(n: int = 2000, window: int = 200, per_article: int = 2) -> list[str]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(OnnxMiniLMEmbedder.tokenizer_json_path())
    tok.no_truncation()
    tok.no_padding()
    out: list[str] = []
    with open(DATA / "articles.jsonl") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            enc = tok.encode(text, add_special_tokens=False)
            offs = enc.offsets
            for k in range(per_article):
                lo, hi = k * window, min((k + 1) * window, len(offs))
                if hi - lo < window // 2:  # skip short tails
                    break
                out.append(text[offs[lo][0] : offs[hi - 1][1]])
            if len(out) >= n:
                break
    return out[:n]


def load_queries(n: int | None = None) -> list[str]:
    with open(DATA / "questions.jsonl") as f:
        return [json.loads(line)["question"] for line in f][:n]


# ---------------------------------------------------------------- torch fp32 with our batching


class TorchBudgetEmbedder:
    """The sentence-transformers fp32 model driven directly, with OnnxMiniLMEmbedder's batching."""

    def __init__(self, token_budget: int = 4096, max_batch: int = 128) -> None:
        from sentence_transformers import SentenceTransformer

        MiniLMEmbedder.require()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are installed; never ask the network
        self.model = SentenceTransformer(MiniLMEmbedder.model_path(), device="cpu")[0].auto_model
        self.ids = OnnxMiniLMEmbedder()  # tokenizer only
        self.token_budget, self.max_batch = token_budget, max_batch

    def embed(self, texts):
        import torch

        model = self.model
        rows = self.ids.encode_ids(texts)
        out = np.empty((len(rows), 384), dtype=np.float32)
        with torch.inference_mode():
            for batch in plan_batches([len(r) for r in rows], self.token_budget, self.max_batch):
                width = max(len(rows[i]) for i in batch)
                ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros_like(ids)
                for j, i in enumerate(batch):
                    ids[j, : len(rows[i])] = torch.tensor(rows[i])
                    mask[j, : len(rows[i])] = 1
                hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))[0]
                m = mask.unsqueeze(-1).float()
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
                out[batch] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        return out


# ---------------------------------------------------------------- quality


def quality(args) -> dict:
    passages, queries = load_passages(args.passages), load_queries(args.queries)
    st, ox = MiniLMEmbedder(), OnnxMiniLMEmbedder()
    res = {"passages": len(passages), "queries": len(queries)}
    vecs = {}
    for name, emb in (("st_fp32", st), ("onnx_int8", ox), ("torch_budget", TorchBudgetEmbedder())):
        vecs[name] = (emb.embed(passages), emb.embed(queries))
    for other in ("onnx_int8", "torch_budget"):
        pa, qa = vecs["st_fp32"]
        pb, qb = vecs[other]
        cos_p, cos_q = (pa * pb).sum(1), (qa * qb).sum(1)
        top_a = np.argsort(-(qa @ pa.T), axis=1)[:, :10]
        top_b = np.argsort(-(qb @ pb.T), axis=1)[:, :10]
        overlap = np.array([len(set(a) & set(b)) / 10 for a, b in zip(top_a, top_b)])
        res[other] = {
            "passage_cos_mean": float(cos_p.mean()),
            "passage_cos_min": float(cos_p.min()),
            "passage_cos_p01": float(np.quantile(cos_p, 0.01)),
            "query_cos_mean": float(cos_q.mean()),
            "query_cos_min": float(cos_q.min()),
            "top10_overlap_mean": float(overlap.mean()),
            "top10_overlap_min": float(overlap.min()),
            "top10_overlap_hist": {str(k / 10): int((np.round(overlap * 10) == k).sum()) for k in range(11)},
            "top1_same": float((top_a[:, 0] == top_b[:, 0]).mean()),
        }
    return res


# ---------------------------------------------------------------- speed


def matmul_rate(n: int = 4096, reps: int = 5) -> dict:
    """Dense fp32 GFLOP/s on shapes of the model: (n x 384)(384 x 1536), (n x 1536)(1536 x 384), (n x 384)(384 x 384)."""
    import torch

    rng = np.random.default_rng(0)
    shapes = [(n, HIDDEN, INTER), (n, INTER, HIDDEN), (n, HIDDEN, HIDDEN)]
    res = {}
    for lib in ("numpy", "torch"):
        flops, secs = 0.0, 0.0
        for m, k, nn in shapes:
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, nn), dtype=np.float32)
            if lib == "torch":
                a, b = torch.from_numpy(a), torch.from_numpy(b)
            a @ b  # warm
            t = time.perf_counter()
            for _ in range(reps):
                a @ b
            secs += time.perf_counter() - t
            flops += 2.0 * m * k * nn * reps
        res[lib] = flops / secs / 1e9
    return res


def speed(args) -> dict:
    import torch

    passages = load_passages(args.passages)
    queries = load_queries(args.queries)
    rng = np.random.default_rng(1)
    workloads = {
        # ingest: 200-word-piece chunks (uniform length)
        "chunks": passages[: args.speed_n],
        # mixed: queries + chunk pieces of random length 5..256 word pieces
        "mixed": queries + [" ".join(p.split()[: int(rng.integers(3, 200))]) for p in passages[-args.speed_n :]],
    }
    ox = OnnxMiniLMEmbedder()
    backends = {
        "st_fp32": MiniLMEmbedder(),
        "onnx_int8": ox,
        "torch_budget": TorchBudgetEmbedder(),
    }
    for b in backends.values():  # load + warm up
        b.embed(["warm up"] * 8)
    lengths = {w: [len(r) for r in ox.encode_ids(t)] for w, t in workloads.items()}
    res = {
        "torch_threads": torch.get_num_threads(),
        "onnx_intra_op_threads": ox.intra_op_threads,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "workloads": {
            w: {"texts": len(t), "tokens": sum(lengths[w]), "useful_gflop": useful_flops(lengths[w]) / 1e9}
            for w, t in workloads.items()
        },
        "rounds": [],
    }
    names = list(backends)
    for r in range(args.rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        rnd = {"matmul_before": matmul_rate(args.matmul_rows)}
        for w, texts in workloads.items():
            for name in order:
                t = time.perf_counter()
                backends[name].embed(texts)
                rnd[f"{w}/{name}"] = time.perf_counter() - t
        rnd["matmul_after"] = matmul_rate(args.matmul_rows)
        res["rounds"].append(rnd)
        print(json.dumps(rnd), flush=True)

    summary = {}
    for w, info in res["workloads"].items():
        for name in names:
            secs = [rnd[f"{w}/{name}"] for rnd in res["rounds"]]
            # limit per round = best dense fp32 rate measured in that round (before/after, numpy/torch)
            limits = [max(*rnd["matmul_before"].values(), *rnd["matmul_after"].values()) for rnd in res["rounds"]]
            fracs = [info["useful_gflop"] / s / lim for s, lim in zip(secs, limits)]
            summary[f"{w}/{name}"] = {
                "tokens_per_s_median": info["tokens"] / statistics.median(secs),
                "tokens_per_s_range": [info["tokens"] / max(secs), info["tokens"] / min(secs)],
                "fraction_of_fp32_matmul_limit_median": statistics.median(fracs),
                "fraction_range": [min(fracs), max(fracs)],
            }
        for name in names:
            ratios = [rnd[f"{w}/st_fp32"] / rnd[f"{w}/{name}"] for rnd in res["rounds"]]
            summary[f"{w}/{name}"]["speedup_vs_st_fp32_per_round"] = ratios
            summary[f"{w}/{name}"]["speedup_vs_st_fp32_median"] = statistics.median(ratios)
    allm = [max(*rnd["matmul_before"].values(), *rnd["matmul_after"].values()) for rnd in res["rounds"]]
    summary["matmul_limit_gflops_median"] = statistics.median(allm)
    summary["matmul_limit_gflops_range"] = [min(allm), max(allm)]
    summary["flops_per_token_at_202"] = flops_per_token(202)
    res["summary"] = summary
    return res


# ---------------------------------------------------------------- cold start

COLD = {
    "st_fp32": "from index.embedding.embedders import MiniLMEmbedder as E",
    "onnx_int8": "from index.embedding.onnx_minilm import OnnxMiniLMEmbedder as E",
}


def coldstart(args) -> dict:
    rounds: list[dict] = []
    for r in range(args.rounds):
        order = list(COLD) if r % 2 == 0 else list(COLD)[::-1]
        rnd = {}
        for name in order:
            code = COLD[name] + "; v = E().embed(['Putin agrees to pause attacks on energy targets.']); assert v.shape == (1, 384)"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
            rnd[name] = time.perf_counter() - t
        rounds.append(rnd)
        print(json.dumps(rnd), flush=True)
    ratios = [rnd["st_fp32"] / rnd["onnx_int8"] for rnd in rounds]
    return {
        "rounds": rounds,
        "median_s": {n: statistics.median(rnd[n] for rnd in rounds) for n in COLD},
        "st_over_onnx_per_round": ratios,
        "st_over_onnx_median": statistics.median(ratios),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", default="all", choices=["quality", "speed", "coldstart", "all"])
    p.add_argument("--passages", type=int, default=2000)
    p.add_argument("--speed-n", type=int, default=400, help="texts per workload per timing")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--queries", type=int, default=None, help="the first N questions (default: all)")
    p.add_argument("--matmul-rows", type=int, default=4096, help="rows of the matrix products that measure the limit")
    p.add_argument("--quick", action="store_true", help="a smoke run: 16 passages, 8 texts and questions, one round")
    args = p.parse_args()
    if args.quick:
        args.passages, args.speed_n, args.rounds, args.queries, args.matmul_rows = 16, 8, 1, 8, 1024
    out = out_dir("embed_throughput", args.quick)
    for what in ["quality", "speed", "coldstart"] if args.what == "all" else [args.what]:
        res = globals()[what](args)
        (out / f"{what}.json").write_text(json.dumps(res, indent=1))
        print(what, json.dumps(res.get("summary", res) if what != "quality" else res, indent=1))


if __name__ == "__main__":
    main()
