"""The `newsbot` command as a user runs it: a real process, real stores, exit codes and output."""
import json

import pytest

from tests.support.http_server import LocalServer, body
from tests.support.cli_process import assert_clean_error, newsbot
from tests.support.corpus import write_article
from tests.support.html_pages import page

pytestmark = pytest.mark.slow  # each test runs `newsbot` processes


def test_ask_on_a_fresh_home_indexes_and_answers_with_citations(tmp_path):
    user_home = tmp_path / "user"
    result = newsbot("ask", "What did Putin agree to?", "--json", home=tmp_path / "data",
                     env={"HOME": str(user_home), "HF_HUB_OFFLINE": "1"}, derived_model=False)  # derives it
    assert result.returncode == 0, result.stderr
    # Chroma's default embedding function (which downloads a model into ~/.cache/chroma) never ran
    assert not (user_home / ".cache" / "chroma").exists()
    payload = json.loads(result.stdout)
    assert payload["refused"] is False and "energy" in payload["answer"]
    assert payload["citations"][0]["source"] == "CNN" and payload["citations"][0]["n"] == 1
    tmp_path = tmp_path / "data"
    second = newsbot("ask", "What did Putin say about Taiwan?", "--json", home=tmp_path,
                     python_flags=("-X", "importtime"))
    refused = json.loads(second.stdout)
    assert refused["refused"] is True and refused["citations"] == [] and refused["closest"]
    # answering from an existing index loads only what answering needs: no llama-index (the indexer's),
    # no torch, no Discord (the import log is on stderr)
    imported = {line.rsplit("|", 1)[-1].strip() for line in second.stderr.splitlines() if "|" in line}
    assert "chromadb" in imported and "onnxruntime" in imported
    assert not {"llama_index.core", "torch", "discord", "sentence_transformers"} & imported
    again = newsbot("index", home=tmp_path)
    assert again.returncode == 0 and again.stdout.startswith("added 0, updated 0, unchanged 1, deleted 0; 0 chunks")
    sources = json.loads(newsbot("sources", "--json", home=tmp_path).stdout)
    assert sources[0]["name"] == "seeds" and sources[0]["articles"] == 1 and sources[0]["chunks"] > 5
    # another embedding model has its own index: empty, it says so and names the one command that fills it
    e5 = {"NEWSBOT_EMBED_MODEL": "multilingual-e5-small"}
    assert_clean_error(newsbot("ask", "Worauf hat sich Putin geeinigt?", home=tmp_path, env=e5), "Run `newsbot index`")
    assert newsbot("index", home=tmp_path, env=e5).returncode == 0
    german = json.loads(newsbot("search", "Welche Angriffe will Putin aussetzen?", "--json", home=tmp_path,
                                env=e5).stdout)
    assert german and german[0]["title"].startswith("After call with Trump, Putin agrees")  # e5's own index
    assert newsbot("ask", "What did Putin agree to?", home=tmp_path).returncode == 0  # MiniLM's index is intact


@pytest.mark.parametrize("args, env, fragment", [
    (("ask", "   "), {}, "Please type a question"),
    (("index", "--source", "nope"), {}, "unknown source 'nope'"),
    (("summary", "x", "--since", "yesterday-ish"), {}, "I can't read --since"),
    (("digest", "--since", "740000d"), {}, "--since 740000d is too far back"),
    (("ask", "What happened this week?", "--as-of", "2025-13-01"), {}, "--as-of takes a date"),
    (("sources",), {"NEWSBOT_SOURCES": "/nonexistent/sources.toml"}, "sources config not found"),
    (("ask", "hi there"), {"NEWSBOT_TOP_K": "many"}, "invalid setting"),
])
def test_bad_input_is_one_clear_line_and_a_non_zero_exit(tmp_path, args, env, fragment):
    assert_clean_error(newsbot(*args, home=tmp_path, env=env), fragment)


def test_summary_and_digest_read_since_as_discord_does(tmp_path):
    for args in (("summary", "Putin energy pause", "--since", "100y"), ("summary", "Putin", "--since", "3d"),
                 ("digest", "--since", "2 weeks")):
        result = newsbot(*args, home=tmp_path)
        assert result.returncode == 0 and "error" not in result.stderr, (args, result.stderr)
    assert "Sources:\n[1" in newsbot("summary", "Putin energy pause", "--since", "100y", home=tmp_path).stdout


def test_index_without_a_terminal_prints_plain_progress_lines(tmp_path):
    folder = tmp_path / "articles"
    for i in range(20):
        write_article(folder, f"{i:02}.txt", f"Harbour story {i}", f"harbour{i}")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "local"\nkind = "folder"\nlocation = "{folder}"\n')
    result = newsbot("index", home=tmp_path / "home", env={"NEWSBOT_SOURCES": str(sources)})
    assert result.returncode == 0 and result.stdout.startswith("added 20,"), result.stderr
    lines = result.stderr.splitlines()  # stderr is a pipe here: no bar, no carriage returns
    assert lines[0] == "newsbot: indexing: 0 of 20 articles (0 %)" and "\r" not in result.stderr
    assert lines[-1] == "newsbot: indexing: 20 of 20 articles (100 %)"
    assert all(line.startswith("newsbot: indexing: ") for line in lines)


def test_unreachable_url_and_malformed_config_fail_clearly(tmp_path):
    sources = tmp_path / "sources.toml"
    with LocalServer({"/ok": body(page("Local budget story"))}) as server:
        sources.write_text(f'[[source]]\nname = "ok"\nkind = "url"\nlocation = "{server.url("/ok")}"\n'
                           f'[[source]]\nname = "dead"\nkind = "url"\nlocation = "http://127.0.0.1:9/gone"\n')
        env = {"NEWSBOT_SOURCES": str(sources), "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
        result = newsbot("index", home=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stdout.startswith("added 1,") and "Local budget story" in result.stdout
    assert "newsbot: error: dead: http://127.0.0.1:9/gone:" in result.stderr and "Traceback" not in result.stderr
    sources.write_text("[[source]\nname=")
    assert_clean_error(newsbot("index", home=tmp_path, env={"NEWSBOT_SOURCES": str(sources)}), "not valid TOML")


def test_feedback_lists_the_votes_given_in_discord(tmp_path):
    from index.service.feedback import FeedbackStore

    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(user_id="42", vote=1, question="What did Putin agree to?", answer="A pause [1].")
    store.add(user_id="7", vote=-1, question="Taiwan?", answer="I couldn't find that.")
    store.close()
    text = newsbot("feedback", home=tmp_path)
    assert text.returncode == 0
    assert text.stdout.index("👎  user 7") < text.stdout.index("👍  user 42")  # newest first
    rows = json.loads(newsbot("feedback", "--json", home=tmp_path).stdout)
    assert [(r["user_id"], r["vote"], r["question"]) for r in rows] == [("7", -1, "Taiwan?"),
                                                                      ("42", 1, "What did Putin agree to?")]
