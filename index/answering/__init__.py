"""Passages into a cited answer or summary.

- `writers`: the answer-writer seam: extractive (offline) and generated (LLM), and the one fallback.
- `extractive`: quoted sentences, each cited `[n]`; `answer_type`: what kind of answer a question wants.
- `generated`: answers written by an LLM with their citations checked; `support`: does a passage support
  a sentence; `injection`: sentences addressed to an AI model are never obeyed or quoted as instructions.
- `prompts`: templates in `prompts/`, checked on load; `summaries`: what a summary is about;
  `answer_dates`: how old an answer's articles are.
"""
