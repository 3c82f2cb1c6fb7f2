"""A question into ranked passages.

- `hybrid`: `HybridRetriever`, dense (Chroma) and BM25 fused by reciprocal rank, near-duplicates collapsed.
- `timed`, `timeexpr`: the time of asking, and a question's time expression as a date window.
- `rerank`, `second_stage`: the optional levers past plain fusion (off by default, see BENCHMARKS.md).
- `questions`: cleaning what users type.
"""
