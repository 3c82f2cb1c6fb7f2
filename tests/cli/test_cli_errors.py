"""A faulty environment gets one clear line: a non-UTF-8 question, a token with a line break, a closed
output pipe, a home that is a file or cannot be written, a full disk."""
import errno
import os
import subprocess
import sys

import pytest

from bot.cli_errors import describe_os_error, write_crash_log
from tests.support.cli_process import assert_clean_error, newsbot
from tests.support.paths import ROOT


@pytest.mark.slow
def test_a_question_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    question = os.fsdecode(b"caf\xe9 prices?")  # the bytes a latin-1 terminal sends
    assert_clean_error(newsbot("ask", question, home=tmp_path), "not valid UTF-8")


@pytest.mark.slow
def test_a_token_with_a_line_break_is_refused_without_showing_it(tmp_path):
    result = newsbot("run", home=tmp_path, env={"DISCORD_TOKEN": "abc.secret\npart"})
    assert_clean_error(result, "DISCORD_TOKEN")
    assert "line break" in result.stderr and "secret" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("make_home, fragment", [
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file", "is a file, not a folder"),
    (lambda tmp: __import__("pathlib").Path("/sys/newsbot-home"), "NEWSBOT_HOME /sys/newsbot-home"),
])
def test_a_home_that_is_a_file_or_cannot_be_written_is_one_line(tmp_path, make_home, fragment):
    home = make_home(tmp_path)
    for args in (("sources",), ("ask", "What did Putin agree to?")):
        assert_clean_error(newsbot(*args, home=home), fragment)


@pytest.mark.slow
@pytest.mark.parametrize("args", [("sources",), ("feedback",)])
def test_output_piped_into_head_stops_quietly(tmp_path, args):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    head = subprocess.Popen(["head", "-n", "0"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    head.wait(timeout=10)  # `newsbot … | head -n 0`: the reader is gone before newsbot writes a byte
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, stdout=head.stdin,
                               stderr=subprocess.PIPE, text=True, env=environment | {"NEWSBOT_HOME": str(tmp_path)})
    head.stdin.close()
    _, stderr = process.communicate(timeout=300)
    assert stderr == "" and process.returncode == 141  # as `yes | head -1`: no message, SIGPIPE's status


def test_file_system_errors_and_the_crash_log_fall_back(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBOT_HOME", str(tmp_path))
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "docstore" / "x.json"))
    assert describe_os_error(full).startswith(f"cannot use {tmp_path / 'docstore' / 'x.json'}: the disk is full")
    (tmp_path / "file").write_text("x")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        where = write_crash_log(tmp_path / "file")  # the home is a file: the log goes to the temp folder
    assert where is not None and where.parent != tmp_path / "file" and "boom" in where.read_text()
