"""bench/scale.py's output: the latency-against-size plot and the markdown report."""
from __future__ import annotations

from pathlib import Path


def plot(results: dict, path: Path) -> bool:
    """Latency (p50 and p95 of search and offline ask, embedded and server) against chunks.

    Returns False, drawing nothing, where matplotlib is not installed (it comes with the `bench` extra,
    not with `test`: the tables need no plot)."""
    try:
        import matplotlib
    except ModuleNotFoundError:
        return False

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tiers = results["tiers"]
    xs = [t["chunks"] for t in tiers]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode, style in (("embedded", "-"), ("server", "--")):
        for what, color in (("search_ms", "tab:blue"), ("ask_ms", "tab:orange"), ("answered_ask_ms", "tab:red")):
            if what not in tiers[0][mode]:
                continue
            name = what[:-3].replace("_", " ")
            ax.plot(xs, [t[mode][what]["p50"] for t in tiers], style, marker="o", color=color,
                    label=f"{name} p50 ({mode})")
            ax.plot(xs, [t[mode][what]["p95"] for t in tiers], style, marker="x", color=color, alpha=0.45,
                    label=f"{name} p95 ({mode})")
        ax2.plot(xs, [t[mode]["peak_rss_mb"] for t in tiers], style, marker="o", color="tab:green",
                 label=f"peak RSS ({mode})")
    ax.axhline(100, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("ms per query (warm)")
    ax.set_title("newsbot query latency against corpus size")
    ax.legend(fontsize=7)
    ax2.set_xscale("log")
    ax2.set_xlabel("chunks in the index")
    ax2.set_ylabel("MiB")
    ax2.set_title("peak RSS of the query process")
    ax2.legend(fontsize=7)
    m = results["machine"]
    fig.suptitle(f"{m['cpu']}, {m['cores_usable']} cores; {results.get('started', '')}", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def report(r: dict) -> str:
    """The markdown tables for BENCHMARKS.md."""
    m = r["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores_usable']} usable cores ({', '.join(m['simd'])}), {m['memory']}, "
             f"Python {m['python']}, onnxruntime {m['onnxruntime']}, chromadb {m['chromadb']}; load average "
             f"{m['load_average'][0]:.1f} at start, {m.get('load_average_end', [float('nan')])[0]:.1f} at end; "
             f"fp32 matmul limit {r.get('limit_gflops', {}).get('start', 0):.0f} / "
             f"{r.get('limit_gflops', {}).get('end', 0):.0f} GFLOP/s (start / end). Second stage of the timed "
             f"questions: {r.get('rerank', 'none (before the cross-encoder)')}.", ""]
    if "throughput" in r:
        t = r["throughput"]
        lines += ["| indexing (same batches) | chunks/s | tokens/s | share of the fp32 limit |", "|---|---|---|---|",
                  f"| newsbot pipeline (chunk, embed, store) | {t['pipeline']['chunks_per_s']:.1f} | "
                  f"{t['pipeline']['tokens_per_s']:.0f} | {t['pipeline']['of_limit']:.2f} |",
                  f"| model alone, derived graph | {t['model_alone']['chunks_per_s']:.1f} | "
                  f"{t['model_alone']['tokens_per_s']:.0f} | {t['model_alone']['of_limit']:.2f} |", "",
                  f"{t['chunks']} chunks, {t['tokens']} tokens ({t['mean_tokens_per_chunk']:.0f} per chunk); "
                  f"pipeline time / model time = {t['pipeline_over_model_time']:.2f}; model share of pipeline "
                  f"time {t['pipeline']['model_share_of_pipeline_time']:.2f}. On a quarter of the same batches "
                  f"the derived graph ran {t['shipped_graph_sample']['derived_speedup']:.2f}x the shipped "
                  f"graph ({t['shipped_graph_sample']['shipped_of_limit']:.2f} -> "
                  f"{t['shipped_graph_sample']['derived_of_limit']:.2f} of the limit); sentence-transformers "
                  f"(torch fp32) reached {t['shipped_graph_sample']['sentence_transformers_of_limit']:.2f} of the "
                  f"limit, the derived graph ran "
                  f"{t['shipped_graph_sample']['derived_speedup_over_sentence_transformers']:.2f}x it; the opt-in int8 variant "
                  f"ran {t['shipped_graph_sample']['int8_speedup_over_derived']:.2f}x the derived graph "
                  f"({t['shipped_graph_sample']['int8_of_fp32_limit']:.2f} of the fp32 limit).", ""]
    if "incremental" in r:
        inc = r["incremental"]
        u, c = inc["unchanged"], inc["one_article_changed"]
        lines += ["| re-index | seconds | chunks embedded | of the first run |", "|---|---|---|---|",
                  f"| first run (all {inc['chunks']} chunks) | {inc['first_run_seconds']:.0f} | {inc['chunks']} | 1 |",
                  f"| unchanged corpus | {u['seconds']:.2f} | {u['chunks_embedded']} | {u['of_first_run']:.4f} |",
                  f"| one article changed ({c['article_chars']} chars) | {c['seconds']:.2f} | {c['chunks_embedded']} "
                  f"| {c['of_first_run']:.4f} |", "",
                  f"One changed article: {c['seconds']:.2f} s = the unchanged scan ({u['seconds']:.2f} s) + "
                  f"{c['seconds'] - u['seconds']:.2f} s for {c['chunks_embedded']} chunks; the first run spent "
                  f"{c['first_run_time_for_that_many_chunks']:.2f} s per that many chunks.", ""]
    for mode in ("embedded", "server"):
        lines += [f"{'Embedded Chroma (PersistentClient)' if mode == 'embedded' else 'Chroma server (chroma run on 127.0.0.1)'}, "
                  f"warm, {r['tiers'][0][mode]['questions']} questions per size:", "",
                  "| size | chunks | search p50 / p95 ms | offline ask p50 / p95 ms | answered asks: share, p50 / p95 ms "
                  "| peak RSS MiB | cold start: process start to first answer, s |", "|---|---|---|---|---|---|---|"]
        for t in r["tiers"]:
            e = t[mode]
            a = e.get("answered_ask_ms", {"share": float("nan"), "p50": float("nan"), "p95": float("nan")})
            lines.append(
                f"| {t['label']} | {t['chunks']} | {e['search_ms']['p50']:.0f} / {e['search_ms']['p95']:.0f} | "
                f"{e['ask_ms']['p50']:.0f} / {e['ask_ms']['p95']:.0f} | {a['share']:.2f}, {a['p50']:.0f} / "
                f"{a['p95']:.0f} | {e['peak_rss_mb']:.0f} | {e['cold']['process_start_to_first_answer_s']:.2f} |")
        lines.append("")
    if "peer" in r and "quality" in r:
        p, q = r["peer"], r["quality"]
        lines += ["| full corpus, same run | newsbot | llama-index recipe |", "|---|---|---|",
                  f"| Recall@4000c ({q.get('answerable')} answerable) | {q['recall@4000c']:.3f} | {p['recall@4000c']:.3f} |",
                  f"| Recall@2000c / @8000c | {q['recall@2000c']:.3f} / {q['recall@8000c']:.3f} | "
                  f"{p['recall@2000c']:.3f} / {p['recall@8000c']:.3f} |",
                  f"| index seconds, first run (ratio to the recipe) | {r['first_run_seconds']:.0f} "
                  f"({r['first_run_seconds'] / p['index_seconds']:.2f}) | {p['index_seconds']:.0f} (1) |",
                  f"| chunks | {r['incremental']['chunks']} | {p.get('chunks', '?')} |",
                  f"| tokens embedded, tokens/s of the first run | {r.get('corpus_tokens', 0)}, "
                  f"{r.get('corpus_tokens', 0) / r['first_run_seconds']:.0f} | {p.get('tokens_embedded', 0)}, "
                  f"{p.get('tokens_embedded', 0) / p['index_seconds']:.0f} |",
                  f"| retrieval p50 / p95 ms (newsbot: `search`) | "
                  f"{next(t for t in r['tiers'] if t['label'] == 'full')['embedded']['search_ms']['p50']:.0f} / "
                  f"{next(t for t in r['tiers'] if t['label'] == 'full')['embedded']['search_ms']['p95']:.0f} | "
                  f"{p['query_p50_ms']:.0f} / {p['query_p95_ms']:.0f} |",
                  f"| peak RSS MiB (indexing process) | – | {p.get('peak_rss_mb', 0):.0f} |", ""]
    return "\n".join(lines)
