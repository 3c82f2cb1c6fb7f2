"""Terminal escapes in articles and sources never reach the terminal, in any command; JSON carries them escaped."""
import json

import pytest

from bot import output
from bot.output import TerminalSafe, for_terminal, to_json
from index.answering.phrases import default_phrases
from index.app import build_service
from index.settings import Settings
from tests.support.cli_process import newsbot
from tests.support.chroma_view import live_chroma
from index.types import Answer, Citation

ESCAPES = ("\x1b", "\x07", "\x9b", "\r", "\u202e")
TITLE = "\x1b]0;pwned\x07Harbour ferry \x1b[2J timetable"
ARTICLE = (f"{TITLE}\n\nThe harbour council approved a new ferry timetable on Thursday that adds two evening "
           "crossings to the island, after a long debate about fuel and crew hours. \x1b[31mThe first ferry "
           "leaves at six in the morning.\x1b[0m Commuters asked for later sailings in summer.\n")


def assert_clean(result) -> None:
    shown = result.stdout + result.stderr
    assert not [c for c in ESCAPES if c in shown], shown
    assert "Traceback" not in shown


@pytest.mark.slow
def test_every_command_shows_article_text_without_terminal_controls(tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "ferry.txt").write_text(ARTICLE)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "news"\nkind = "folder"\nlocation = "{tmp_path / "news"}"\n'
                       '[[source]]\nname = "bad"\nkind = "url"\nlocation = "http://127.0.0.1:9/\\u001b]0;x\\u0007"\n')
    env = {"NEWSBOT_SOURCES": str(sources)}
    home = tmp_path / "home"
    indexed = newsbot("index", home=home, env=env)
    assert indexed.returncode == 1 and "Harbour ferry" in indexed.stdout and "bad: http://127.0.0.1:9/" in indexed.stderr
    assert_clean(indexed)
    # an index written before articles were cleaned on the way in: raw controls in the store
    service = build_service(Settings(home=home, sources_file=sources))
    records = live_chroma(service).get(include=["metadatas"])
    live_chroma(service).update(ids=records["ids"], metadatas=[m | {"title": TITLE, "outlet": "\x9b2J"}
                                                             for m in records["metadatas"]])
    # what each command shows (stdout, stderr): the article, or the bad source's location without its controls
    shown = {("ask", "When does the first ferry leave?"): ("Harbour ferry", ""),
             ("search", "ferry"): ("Harbour ferry", ""), ("summary", "harbour ferry"): ("Harbour ferry", ""),
             ("sources",): ("http://127.0.0.1:9/]0;x", ""),
             ("index",): ("unchanged 1", "bad: http://127.0.0.1:9/]0;x")}
    for args, (out, err) in shown.items():
        result = newsbot(*args, home=home, env=env)
        assert_clean(result)
        assert out in result.stdout and err in result.stderr, (args, result.stdout, result.stderr)
    as_json = newsbot("ask", "When does the first ferry leave?", "--json", home=home, env=env)
    assert_clean(as_json)
    assert json.loads(as_json.stdout)["citations"][0]["title"] == TITLE  # the data is whole, escaped


def test_a_one_article_summary_lists_its_article_once(seed_service):
    answer = seed_service.summarize("After call with Trump, Putin agrees to pause attacks")
    assert len({c.chunk_id for c in answer.citations}) > 1  # several of its passages are cited
    numbers = ", ".join(str(c.n) for c in sorted(answer.citations, key=lambda c: c.n))
    assert output.answer_text(answer).split("\nSources:\n")[1].splitlines() == [
        f"[{numbers}] After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure "
        "targets (CNN, 2025-03-19)"]


def test_an_answers_notes_are_labelled_in_its_language():
    citation = Citation(1, "Putin agrees to pause", "seeds", "https://cnn.com/a", "2025-03-19", "q", outlet="CNN")
    answer = Answer("“Putin agreed.” [1] (zitiert auf Englisch)", False, (citation,), language="de",
                    note="Das Sprachmodell ist nicht verfügbar; dies sind stattdessen zitierte Textstellen.",
                    age_note="Der neueste Artikel dazu ist vom 19. März.")
    assert output.answer_text(answer, default_phrases()["de"].texts).splitlines() == [
        answer.text, "", f"Hinweis: {answer.note}", "", answer.age_note, "", "Quellen:",
        "[1] Putin agrees to pause (CNN, 2025-03-19) <https://cnn.com/a>"]
    assert f"\n\nNote: {answer.note}\n\n" in output.answer_text(answer)  # without words: English, as before


def test_the_filters():
    assert for_terminal("a\x1b]0;t\x07b\x1b[2J\r\n\tc\x9b\u202ed\udcff") == "a]0;tb[2J\n\tcd\ufffd"
    assert to_json({"t": "\x1b\x9b\x7f"}) == '{\n  "t": "\\u001b\\u009b\\u007f"\n}'

    class Sink:
        written = ""

        def write(self, text):
            self.written += text
            return len(text)

    sink = Sink()
    TerminalSafe(sink).write("x\x1b[2Jy")
    assert sink.written == "x[2Jy"


def test_eval_text_shows_a_line_per_language_only_when_there_are_several():
    from bot.output import eval_text

    row = {"answerable": 3, "recall@4000c": 0.5, "answer_accuracy": None,
           "languages": {"de": {"answerable": 2, "recall@4000c": 0.5, "answer_accuracy": None},
                         "en": {"answerable": 1, "recall@4000c": 1.0, "answer_accuracy": 1.0}},
           "questions": []}
    lines = eval_text(row).splitlines()
    assert lines[-3].split() == ["language", "questions", "recall@4000c", "answer_accuracy"]
    assert lines[-2].split() == ["de", "2", "0.500", "-"] and lines[-1].split() == ["en", "1", "1.000", "1.000"]
    assert "language" not in eval_text({**row, "languages": {"en": row["languages"]["en"]}})


def _story(outlets: tuple[str, ...], articles: int):
    from datetime import date

    from index.types import StoryArticle, Story

    return Story("s1", "Hafen eröffnet Terminal", "“Das Terminal kostete 480 Millionen Euro.” [1]", date(2025, 3, 3),
                 date(2025, 3, 4), outlets,
                 tuple(StoryArticle(f"a{i}", "Hafen", "https://example.org/a", "news", outlets[0], None)
                       for i in range(articles)), ())


def test_the_terminal_digest_speaks_the_language_of_the_phrases_it_is_given():
    from datetime import date

    from index.answering.phrases import default_phrases
    from index.types import Digest

    german = dict(default_phrases()["de"].texts)
    many = output.digest_text(Digest((_story(("NDR", "Spiegel"), 2),), date(2025, 3, 1), None), german)
    assert "2025-03-03 – 2025-03-04 · 2 Artikel · Berichtet von 2 Medien: NDR, Spiegel" in many
    one = output.digest_text(Digest((_story(("NDR",), 1),), None, None), german)
    assert "1 Artikel · Berichtet von 1 Medium: NDR" in one
    assert output.digest_text(Digest((), date(2025, 3, 1), None), german) == \
        "Keine neuen Artikel seit 2025-03-01: nichts zusammenzufassen."
    english = output.digest_text(Digest((_story(("NDR",), 1),), None, None))  # no phrases: as before
    assert "2025-03-03 to 2025-03-04 · 1 article · Covered by 1 outlet: NDR" in english
