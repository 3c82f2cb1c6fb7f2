"""Chunks fit what the embedding model reads, keep their positions and locate their text exactly."""
import json

from llama_index.core.schema import MetadataMode

from index.sources.articles import parse_plain_article
from index.indexing.chunking import ChunkPositions, make_splitter, to_document
from index.embedding.embedders import MINILM_MAX_TOKENS
from index.sources.readers import article_from_row
from index.text import sentence_spans
from tests.support.paths import SAMPLE_DATA, SEED_ARTICLE


def _chunks(embedder, article, size=200, overlap=30):
    splitter = make_splitter(embedder.tokenize, size, overlap)
    return ChunkPositions()(splitter([to_document(article, 0)]))


def _longest_articles(count=3):
    rows = [json.loads(line) for line in (SAMPLE_DATA / "articles.jsonl").open(encoding="utf-8")]
    rows.sort(key=lambda r: -len(r["text"]))
    return [article_from_row(r, "t", r["id"]) for r in rows[:count]]


def test_every_chunk_fits_the_model_with_its_title(embedder):
    articles = [parse_plain_article(SEED_ARTICLE.read_text(encoding="utf-8"), source="s", key="k")]
    articles += _longest_articles()
    for article in articles:
        for node in _chunks(embedder, article):
            embedded = node.get_content(metadata_mode=MetadataMode.EMBED)
            assert embedded.startswith("title: ")
            # [CLS] and [SEP] take two of the model's 256 positions
            assert embedder.count_tokens(embedded) <= MINILM_MAX_TOKENS - 2


def test_chunks_locate_their_text_and_number_their_positions(embedder):
    article = parse_plain_article(SEED_ARTICLE.read_text(encoding="utf-8"), source="s", key="k")
    nodes = _chunks(embedder, article)
    assert len(nodes) > 5
    for position, node in enumerate(nodes):
        assert node.node_id == f"{article.id}#{position}"
        assert node.metadata["position"] == position
        assert article.text[node.start_char_idx:node.end_char_idx] == node.text
    # together the chunks cover the whole article
    assert nodes[0].start_char_idx == 0 and nodes[-1].end_char_idx == len(article.text.rstrip())


def test_citation_metadata_is_not_embedded(embedder):
    article = parse_plain_article(SEED_ARTICLE.read_text(encoding="utf-8"), source="s", key="k")
    embedded = _chunks(embedder, article)[0].get_content(metadata_mode=MetadataMode.EMBED)
    assert "CNN" not in embedded.split("\n\n")[0] and "2025-03-19" not in embedded


_CHINESE = ("杭州市政府周二宣布，西湖隧道将于五月一日正式通车。这条隧道全长三点二公里，连接西湖区和上城区。"
            "工程总投资十二亿元，比原计划提前半年完工。市长王建国在通车仪式上说：「我们提前完成了任务。明年还要修建两座新桥。」"
            "交通部门预计，隧道开通后高峰时段的通行时间将缩短二十分钟！居民李女士说：“以后上班方便多了。”"
            "据悉，隧道内安装了三百个摄像头和一套自动灭火系统。有市民担心隧道收费问题？市政府表示，通车后的前三个月免费通行。")


def test_a_chinese_article_is_cut_into_whole_sentences_that_fit_with_its_title(embedder):
    from index.types import Article

    article = Article(id="zh", source="s", title="西湖隧道五月一日通车", text=_CHINESE * 3, url="http://x")
    sentences = {article.text[a:b] for a, b in sentence_spans(article.text)}
    nodes = _chunks(embedder, article)
    assert len(nodes) > 2
    for node in nodes:
        embedded = node.get_content(metadata_mode=MetadataMode.EMBED)
        assert embedded.startswith("title: 西湖隧道五月一日通车")
        assert embedder.count_tokens(embedded) <= MINILM_MAX_TOKENS - 2
        assert article.text[node.start_char_idx:node.end_char_idx] == node.text
        own = [node.text[a:b] for a, b in sentence_spans(node.text)]
        assert own and all(sentence in sentences for sentence in own), own  # none cut, no quote left open
