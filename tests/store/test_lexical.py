"""BM25 over Chinese: terms are character bigrams (index/text.py), so a Chinese question finds its chunks lexically."""
from __future__ import annotations

from index.app import build_service
from index.analysis import terms_in
from index.text import terms
from tests.support.foreign_news import CHINESE, GERMAN, page


def test_a_chinese_question_finds_its_article_on_the_bm25_side(store_settings, fake_embedder, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for slug, (title, text) in {**CHINESE, **GERMAN}.items():
        (folder / f"{slug}.txt").write_text(page(title, text), encoding="utf-8")
    store_settings.sources_file.write_text(f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n')
    service = build_service(store_settings, embedder=fake_embedder)
    service.index()
    snapshot = service.lexical.snapshot()
    for question, title in (("西湖隧道什么时候通车？", "西湖隧道五月一日通车"), ("大熊猫幼崽有多重？", "成都大熊猫产下双胞胎"),
                            ("卫星每天可以拍摄什么？", "深圳公司成功发射气象卫星")):
        [(row, score), *rest] = snapshot.search(terms(question), 3)
        assert snapshot.metadatas[row]["title"] == title and all(other < score for _, other in rest)
    assert snapshot.document_frequency["隧道"] == 1
    assert snapshot.document_frequency[terms_in("de", "Containerterminal")[0]] == 1  # a German chunk, read in German
