"""Sentence splitting, terms and near-duplicate signatures."""
from index.text import jaccard, sentence_spans, shingles, terms, word_count


def _sentences(text):
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_respect_abbreviations_and_quotes():
    text = ("“Both sides can cease attacking the energy sector. Our side is going to support this,” he said. "
            "The U.S. said no. Mr. Smith agreed! Then \"Quote here. More.\" Fine.\n\nNew paragraph here")
    assert _sentences(text) == [
        "“Both sides can cease attacking the energy sector. Our side is going to support this,” he said.",
        "The U.S. said no.", "Mr. Smith agreed!", 'Then "Quote here. More."', "Fine.", "New paragraph here",
    ]


def test_terms_are_stemmed_content_words():
    assert terms("What did Putin agree to?") == ["putin", "agre"]
    assert terms("agreed") == terms("agrees") == ["agre"]


def test_shingles_find_near_duplicates():
    a = shingles("Putin agreed to pause attacks on energy targets in Ukraine, the Kremlin said.")
    b = shingles("Putin agreed to pause attacks on energy targets in Ukraine, the White House said.")
    c = shingles("Hockey matches between the US and Russia were proposed.")
    assert jaccard(a, b) > 0.6 > jaccard(a, c)


def test_a_copy_of_the_title_at_the_top_of_the_text_is_left_out():
    from index.text import without_title

    title = "Saltmere ferry crews strike over pay"
    assert without_title(f"{title} Ferry crews in Saltmere walked out on Monday.", title) == (
        "Ferry crews in Saltmere walked out on Monday.")  # glued, as plain-text feeds give it
    assert without_title(f"{title}\n\nFerry crews walked out.", title) == "Ferry crews walked out."
    assert without_title("SALTMERE FERRY CREWS STRIKE OVER PAY — Ferry crews walked out.", title) == (
        "Ferry crews walked out.")
    assert without_title("Can Boeing's CEO rebuild trust? The crash in Ahmedabad…", "Can Boeing’s CEO rebuild trust?") == (
        "The crash in Ahmedabad…")


def test_text_that_only_begins_like_its_title_is_kept_whole():
    from index.text import without_title

    assert without_title("Pope Francis dies at 88, the Vatican said.", "Pope Francis dies at 88") == (
        "Pope Francis dies at 88, the Vatican said.")  # the title runs on into the sentence
    assert without_title("Ferry crews walked out. Saltmere ferry crews strike", "Saltmere ferry crews strike") == (
        "Ferry crews walked out. Saltmere ferry crews strike")
    assert without_title("Saltmere ferry crews strike", "Saltmere ferry crews strike") == "Saltmere ferry crews strike"
    assert without_title("Breaking news Ferry crews walked out.", "Breaking news") == "Breaking news Ferry crews walked out."


def test_german_sentences_may_open_with_an_umlaut_and_quote_the_german_way():
    text = ("Die Stadt baut eine Brücke. Über 300 Menschen kamen. „Wir sind bereit. Es geht los“, sagte sie. "
            "Ärzte warnten vor Hitze! Öffentliche Gelder fehlen.")
    assert _sentences(text) == ["Die Stadt baut eine Brücke.", "Über 300 Menschen kamen.",
                                "„Wir sind bereit. Es geht los“, sagte sie.", "Ärzte warnten vor Hitze!",
                                "Öffentliche Gelder fehlen."]


def test_chinese_sentences_end_without_a_space_and_keep_their_quotes_whole():
    text = ("杭州市政府周二宣布，西湖隧道将于五月一日开通。工程耗资十二亿元！市长说：「我们提前完成了任务。明年还会建新桥。」"
            "据悉，隧道全长三公里。 有人担心收费吗？“这是好消息。”居民李女士说。")
    assert _sentences(text) == ["杭州市政府周二宣布，西湖隧道将于五月一日开通。", "工程耗资十二亿元！",
                                "市长说：「我们提前完成了任务。明年还会建新桥。」", "据悉，隧道全长三公里。",
                                "有人担心收费吗？", "“这是好消息。”", "居民李女士说。"]


def test_chinese_terms_are_character_bigrams_without_particles_and_question_words():
    assert terms("普京同意了什么？") == ["普京", "京同", "同意"]
    assert terms("西湖隧道") == ["西湖", "湖隧", "隧道"]
    assert terms("Putin同意 the deal") == ["putin", "同意", "deal"]


def test_a_chinese_run_counts_a_word_per_two_characters():
    assert word_count("He said it was done.") == 5
    assert word_count("西湖隧道将于五月一日开通。") == 6
