"""The core of newsbot: sources in, cited answers out. No Discord, no terminal in here.

The sub-packages are the stages an article and a question go through, lowest first; a stage imports only
from the stages below it (tests/house/test_boundaries.py checks this):

- the shared vocabulary, at the top of this package: `types` (frozen dataclasses), `errors`, `settings`
  (typed, read once at the root), `text` and `tokens` (pure text helpers);
- `store/`, `embedding/`, `llm/`: the seams to outside services (Chroma and BM25, the embedding model, the
  chat model); each outside library is imported in one of them only;
- `sources/`: reading sources (config, readers, polite fetching, article parsing, archives, scopes);
- `indexing/`: articles into chunks into the store (chunking, ingestion, doctor, scheduled refresh);
- `retrieval/`: a question into ranked passages (hybrid search, time windows, second stage);
- `answering/`: passages into a cited answer or summary (extractive, generated, support checks, prompts);
- `service/`: the facade the adapters call (`NewsService`), re-indexing, scopes and feedback;
- `evaluation/`: scoring retrieval and answers on RealTime QA;
- `app` and `home`: the composition root, which builds everything from `Settings` once.
"""
