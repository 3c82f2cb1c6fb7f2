"""A question into ranked passages.

- `hybrid`: `HybridRetriever`, dense (Chroma) and BM25 fused by reciprocal rank, near-duplicates collapsed.
- `timed`, `timeexpr`: the time of asking, and a question's time expression as a date window.
- `question_names`: the names and numbers a question writes (the offline answer counts them).
- `questions`: cleaning what users type.
"""
