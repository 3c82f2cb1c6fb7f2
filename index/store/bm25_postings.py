"""A BM25 index scored at query time from postings, so that adding documents only appends.

Our own code where bm25s falls short: bm25s precomputes every (term, document) score with the corpus's
IDF and average length baked in, so one new document means rebuilding the whole matrix; a 10-article
refresh cost 0.62-0.80 of a full rebuild at 28.5k chunks (BENCHMARKS.md, "BM25 after a 10-article
refresh"). Here a posting keeps the raw term frequency and IDF and average length are computed at query
time from the current counts, with bm25s's default method ("lucene", k1 1.5, b 0.75) and its float32
arithmetic, so the scores equal bm25s's (tests/store/test_bm25_postings.py). New documents' postings go to an
unsorted tail that is merged into the term-sorted main segment once it passes an eighth of it (LSM-style);
removing documents drops their postings and renumbers the rows after them.

An index is never changed in place: `add` and `remove` return a new one that shares what did not change,
so a query still running on the old one is unaffected.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice

import numpy as np

K1, B = 1.5, 0.75  # bm25s's defaults, which the index replaced here used
TAIL_SHARE = 8  # the tail is merged into the main segment when it holds more than 1/8 of its postings
MIN_TAIL = 50_000  # ... and more than this many postings


class PostingsBM25:
    """Postings (row, term frequency) per term, document lengths and document frequencies."""

    def __init__(self, vocab: dict[str, int], words: list[str], df: np.ndarray, doc_len: np.ndarray,
                 main: tuple[np.ndarray, np.ndarray, np.ndarray], tail: tuple[np.ndarray, np.ndarray, np.ndarray]):
        # `vocab` and `words` only grow and may be shared with newer indexes: ids >= len(df) are not ours
        self.vocab, self.words, self.df, self.doc_len = vocab, words, df, doc_len
        self.indptr, self.rows, self.tfs = main  # term-sorted: term t's postings are [indptr[t], indptr[t+1])
        self.tail_terms, self.tail_rows, self.tail_tfs = tail
        self._norm: tuple[tuple[float, float], np.ndarray] | None = None  # ((k1, b), the length norms)

    @classmethod
    def build(cls, tokenized: list[list[str]]) -> PostingsBM25:
        """The index of the tokenised documents (row i is document i)."""
        empty = cls({}, [], np.zeros(0, np.int64), np.zeros(0, np.int64), _empty_main(0), _empty_tail())
        return empty.add(tokenized, compact=True)

    @property
    def size(self) -> int:
        """Number of documents (rows)."""
        return len(self.doc_len)

    def add(self, tokenized: list[list[str]], compact: bool = False) -> PostingsBM25:
        """A new index with the documents appended as rows `size`, `size + 1`, ..."""
        if not tokenized:
            return self
        words, vocab = self.words, self.vocab
        flat = [vocab.setdefault(t, len(vocab)) for tokens in tokenized for t in tokens]
        words.extend(islice(vocab, len(words), None))  # new terms, in id order (dicts keep insertion order)
        lengths = np.array([len(tokens) for tokens in tokenized], dtype=np.int64)
        terms, rows, tfs = _postings(np.array(flat, dtype=np.int64), lengths, self.size)
        df = np.zeros(len(vocab), np.int64)
        df[: len(self.df)] = self.df
        df += np.bincount(terms, minlength=len(vocab))
        tail = (np.concatenate([self.tail_terms, terms]).astype(np.int32),
                np.concatenate([self.tail_rows, rows]).astype(np.int32),
                np.concatenate([self.tail_tfs, tfs]).astype(np.float32))
        main = (_pad(self.indptr, len(vocab)), self.rows, self.tfs)
        index = PostingsBM25(vocab, words, df, np.concatenate([self.doc_len, lengths]), main, tail)
        if compact or len(tail[0]) > max(MIN_TAIL, len(self.rows) // TAIL_SHARE):
            return index.compacted()
        return index

    def remove(self, rows: np.ndarray) -> PostingsBM25:
        """A new index without the given rows; the rows after them move up (row order is kept)."""
        dead = np.zeros(self.size, bool)
        dead[np.asarray(rows, dtype=np.int64)] = True
        if not dead.any():
            return self
        new_row = np.cumsum(~dead) - 1
        main_terms = _main_terms(self.indptr)
        df = self.df.copy()
        kept = []
        for terms, rows_, tfs in ((main_terms, self.rows, self.tfs), (self.tail_terms, self.tail_rows, self.tail_tfs)):
            alive = ~dead[rows_]
            df -= np.bincount(terms[~alive], minlength=len(df))
            kept.append((terms[alive], new_row[rows_[alive]].astype(np.int32), tfs[alive]))
        (terms, rows_, tfs), tail = kept
        main = (_indptr(terms, len(df)), rows_, tfs)
        return PostingsBM25(self.vocab, self.words, df, self.doc_len[~dead], main, tail)

    def compacted(self) -> PostingsBM25:
        """The same index with the tail merged into the main segment."""
        if not len(self.tail_terms):
            return self
        terms = np.concatenate([_main_terms(self.indptr), self.tail_terms])
        order = np.argsort(terms, kind="stable")  # two sorted runs: a merge; rows stay ascending per term
        terms = terms[order]
        rows = np.concatenate([self.rows, self.tail_rows])[order]
        tfs = np.concatenate([self.tfs, self.tail_tfs])[order]
        return PostingsBM25(self.vocab, self.words, self.df, self.doc_len,
                            (_indptr(terms, len(self.df)), rows, tfs), _empty_tail())

    def get_scores(self, query_terms: list[str], k1: float = K1, b: float = B) -> np.ndarray:
        """BM25 score of every row for the query terms (a repeated term counts again; unknown terms
        count nothing), as bm25s's `BM25.get_scores` with the same `k1` and `b`."""
        scores = np.zeros(self.size, dtype=np.float32)
        ids = [i for i in (self.vocab.get(t, -1) for t in query_terms) if 0 <= i < len(self.df) and self.df[i]]
        if not ids or not self.size:
            return scores
        norm = self._length_norm(k1, b)
        n = self.size
        for term in ids:
            df = int(self.df[term])
            idf = np.float32(np.log(1 + (n - df + 0.5) / (df + 0.5)))
            for rows, tfs in self._postings_of(term):
                tf = tfs.astype(np.float64)
                scores[rows] += (idf * (tf / (norm[rows] + tf))).astype(np.float32)
        return scores

    def _postings_of(self, term: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        if term + 1 < len(self.indptr):
            start, end = self.indptr[term], self.indptr[term + 1]
            if end > start:
                yield self.rows[start:end], self.tfs[start:end]
        if len(self.tail_terms):
            hits = np.flatnonzero(self.tail_terms == term)
            if len(hits):
                yield self.tail_rows[hits], self.tail_tfs[hits]

    def _length_norm(self, k1: float, b: float) -> np.ndarray:
        """k1 * (1 - b + b * dl / avgdl) per row (computed once per index and (k1, b))."""
        if self._norm is None or self._norm[0] != (k1, b):
            average = float(self.doc_len.mean())
            norm = k1 * ((1 - b) + b * self.doc_len / average) if average > 0 else np.full(self.size, k1 * (1 - b))
            self._norm = ((k1, b), norm)
        return self._norm[1]

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_norm"} | {"_norm": None}


class TermCounts(Mapping):
    """Document frequency by term, read from an index (what `collections.Counter` gave before)."""

    def __init__(self, index: PostingsBM25) -> None:
        self.index = index

    def __getitem__(self, term: str) -> int:
        i = self.index.vocab.get(term, -1)
        if 0 <= i < len(self.index.df) and self.index.df[i] > 0:
            return int(self.index.df[i])
        raise KeyError(term)

    def get(self, term: str, default=None):
        """`self[term]`, or `default` for a term in no document (no exception: idf() asks often)."""
        i = self.index.vocab.get(term, -1)
        n = int(self.index.df[i]) if 0 <= i < len(self.index.df) else 0
        return n if n > 0 else default

    def __iter__(self) -> Iterator[str]:
        words = self.index.words
        return (words[i] for i in np.flatnonzero(self.index.df > 0))

    def __len__(self) -> int:
        return int(np.count_nonzero(self.index.df))


def _postings(flat: np.ndarray, lengths: np.ndarray, first_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, row, tf) of each distinct (term, document) pair, sorted by term then row."""
    rows = np.repeat(np.arange(first_row, first_row + len(lengths), dtype=np.int64), lengths)
    span = first_row + len(lengths)
    keys, counts = np.unique(flat * span + rows, return_counts=True)
    return keys // span, keys % span, counts.astype(np.float32)


def _main_terms(indptr: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))


def _indptr(terms: np.ndarray, vocabulary: int) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.bincount(terms, minlength=vocabulary))]).astype(np.int64)


def _pad(indptr: np.ndarray, vocabulary: int) -> np.ndarray:
    """`indptr` extended to a larger vocabulary (new terms have no main postings)."""
    if len(indptr) - 1 >= vocabulary:
        return indptr
    return np.concatenate([indptr, np.full(vocabulary - len(indptr) + 1, indptr[-1], dtype=np.int64)])


def _empty_main(vocabulary: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(vocabulary + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32)


def _empty_tail() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.float32)
