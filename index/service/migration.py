"""`newsbot migrate`: the core's shared state copied from a home's files into a database (PostgreSQL), so that
several processes on several machines can share it.

What is copied, each part keyed as the database keeps it (a part already there is overwritten with the same
value, so running it again after a stop finishes the work): the feedback table (`feedback.sqlite3`), the small
records (fetch state and ETags, source health, last-indexed times, servers' sources configs:
index/store/records.py) and the docstores (the content hashes of incremental indexing: each file's key-value
collections as llama-index persisted them, into the `kv` table). Nothing in the home is changed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from index.indexing.docstore_kv import DatabaseKVStore
from index.indexing.docstores import DatabaseDocstores, FileDocstores
from index.service.feedback import FeedbackStore, feedback_path
from index.sources.scopes import SERVER_SOURCES
from index.store.database import Database, copy_table, open_database
from index.store.records import DatabaseRecords, FileRecords

Count = tuple[str, int, int]  # (what, in the home, in the database)


def record_kinds(home: Path) -> list[str]:
    """Every kind of record the home's files hold (one fetch and health kind per collection)."""
    per_collection = [f"{folder}/{p.name}" for folder in ("fetch", "health")
                      for p in sorted((home / folder).glob("*")) if p.is_dir()]
    return per_collection + ["state", "scoped", SERVER_SOURCES]


def migrate_records(home: Path, target: Database) -> list[Count]:
    """Copy every record of the home's files into the database's `records` table."""
    source, copied = FileRecords(home), DatabaseRecords(target)
    counts = []
    for kind in record_kinds(home):
        keys = source.keys(kind)
        for key in keys:
            copied.put(kind, key, source.get(kind, key))
        there = set(copied.keys(kind))
        counts.append((f"records {kind}", len(keys), sum(key in there for key in keys)))
    return [c for c in counts if c[1]]


def migrate_docstores(home: Path, target: Database) -> list[Count]:
    """Copy each source's docstore file into the database's `kv` table (per collection: articles known)."""
    files, kv = FileDocstores(home / "docstore"), DatabaseKVStore(target)
    DatabaseDocstores(target)  # its table, created where missing
    counts = []
    for collection in files.collections():
        shelf, known, there = files.of(collection), 0, 0
        for source in shelf.sources():
            data = json.loads(shelf.path(source).read_text(encoding="utf-8"))
            for name, pairs in data.items():  # "docstore/data", "docstore/ref_doc_info", "docstore/metadata"
                suffix = name.split("/", 1)[1] if "/" in name else name
                kv.put_all(list(pairs.items()), collection=f"{collection}/{source}/{suffix}")
            known += len(data.get("docstore/metadata", {}))
            there += len(kv.get_all(f"{collection}/{source}/metadata"))
        counts.append((f"docstores {collection}", known, there))
    return counts


def migrate_feedback(home: Path, target: Database, renamed: Mapping[str, str] | None = None) -> list[Count]:
    """Copy the votes of `feedback.sqlite3` (ids kept) into the database's `feedback` table (`renamed`: see
    `FeedbackStore`)."""
    path = feedback_path(home)
    if not path.exists():
        return []
    FeedbackStore(path, renamed).close()  # an older file is brought to this version's columns first
    FeedbackStore(target, renamed)  # the table, created where missing (or brought to this version's columns)
    return [("feedback", *copy_table(open_database(path, "feedback database"), target, "feedback"))]


def migrate_home(home: Path, target: Database, renamed: Mapping[str, str] | None = None) -> list[Count]:
    """Copy the core's shared state of `home` into `target`; (what, in the home, in the database) per part."""
    return migrate_feedback(home, target, renamed) + migrate_records(home, target) + migrate_docstores(home, target)
