"""Articles into chunks into the store, crash-safe.

- `ingest`: `Ingestor`, llama-index's ingestion pipeline with docstore dedup, writing to the store.
- `chunking`, `chunk_ids`: the sentence-aware splitter sized for the embedder; chunk ids.
- `embed_guard`, `llama_adapter`: one bad article fails alone; our embedder inside llama-index.
- `docstores`, `docstore_kv`: each source's docstore, in the home's files or llama-index's KVDocumentStore
  over the shared database; `index_lock`: one index run at a time, across processes and machines.
- `doctor`: consistency of config, docstores and store; `refresh`: sources refreshed on a schedule.
"""
