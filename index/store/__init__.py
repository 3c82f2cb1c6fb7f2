"""Where things are kept: the only package that imports chromadb.

- `chroma`: `Store`, the versioned Chroma collections of one logical index and the pointer to the live one.
- `chunks`: `Chunks`, `StoredChunk` and `ChunkFilter`, the store in newsbot's vocabulary (count, ids, pages,
  get, query, upsert, delete, update_metadata; filters by source, article, scopes, published days)
  instead of Chroma's API, result dicts and filter syntax; `chunk_ids`: what ids say.
- `lexical`, `lexical_delta`, `lexical_cache`, `bm25_postings`: the BM25 side over every chunk (an
  incremental postings index scored like bm25s), brought up to date by appending, cached on disk.
- `locking`, `lease`: one re-index at a time, on one machine (flock) and across machines (a Chroma lease).
- `database`: the SQL seam (a sqlite file, or PostgreSQL with `NEWSBOT_DATABASE_URL`) and its locks;
  `records`: small JSON records by (kind, key), in the home's files or one table of that database.
- `atomic_files`: the small files of the data folder, written safely.
"""
