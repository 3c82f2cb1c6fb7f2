"""Scoring retrieval and answers on RealTime QA (`../shared/data/realtimeqa-2025q1`).

- `scoring`: Recall@Nc, Hit@k, answer accuracy, the odd/even week split; `run`: `newsbot eval`.
"""
