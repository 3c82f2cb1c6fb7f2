"""Chunking with llama-index's sentence-aware splitter, sized for what the embedding model reads.

all-MiniLM-L6-v2 embeds at most 256 word pieces ([CLS] and [SEP] included) and silently drops the rest,
so chunks are counted in the model's own word pieces, title included (the splitter subtracts the
metadata that is embedded with each chunk from its budget). Text with Chinese sentence ends (。！？, with no
space after them) is cut into sentences by `index.text.sentence_spans`, which punkt cannot do; the rest by punkt.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
from llama_index.core.schema import BaseNode, TransformComponent

from index.text import sentence_spans
from index.types import Article

MAX_TITLE_CHARS = 300  # a runaway title must not eat a chunk's whole budget
# Only the title is embedded and shown to the LLM with each chunk; the rest is for citations.
CITATION_KEYS = ("source", "outlet", "url", "published", "published_day", "authors", "article_id", "position")


def chunk_id(article_id: str, position: int) -> str:
    """The stable id of a chunk: re-indexing the same article yields the same ids (no duplicates)."""
    return f"{article_id}#{position}"


def to_document(article: Article, published_day: int) -> Document:
    """A llama-index Document for an article: its id is the article id, its hash covers text and metadata."""
    metadata = {
        "title": article.title[:MAX_TITLE_CHARS],
        "source": article.source,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published,
        "published_day": published_day,
        "authors": ", ".join(article.authors),
        "article_id": article.id,
    }
    return Document(
        id_=article.id, text=article.text, metadata=metadata,
        excluded_embed_metadata_keys=list(CITATION_KEYS), excluded_llm_metadata_keys=list(CITATION_KEYS),
    )


def make_splitter(tokenize: Callable[[str], Sequence[str]], chunk_tokens: int, overlap: int) -> SentenceSplitter:
    """A SentenceSplitter that counts the embedding model's word pieces and gives chunks stable ids."""
    return SentenceSplitter(
        chunk_size=chunk_tokens, chunk_overlap=overlap, tokenizer=tokenize,
        paragraph_separator="\n\n", include_prev_next_rel=False, chunking_tokenizer_fn=_sentences(),
        id_func=lambda i, doc: chunk_id(doc.id_, i),
    )


def _sentences() -> Callable[[str], list[str]]:
    """The splitter's sentence cutter: ours for Chinese text, punkt (llama-index's default) for the rest. The
    pieces join back into the text exactly (the whitespace after a sentence stays with it)."""
    punkt = split_by_sentence_tokenizer()

    def cut(text: str) -> list[str]:
        if not any(end in text for end in "。！？"):
            return punkt(text)
        starts = [start for start, _ in sentence_spans(text)][1:]
        return [text[a:b] for a, b in zip([0, *starts], [*starts, len(text)])]

    return cut


class ChunkPositions(TransformComponent):
    """Stores each chunk's position inside its article (from its id) as metadata, for citations."""

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        for node in nodes:
            node.metadata["position"] = int(node.node_id.rsplit("#", 1)[1])
        return nodes
