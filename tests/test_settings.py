"""Settings come from their documented environment variables only."""
from pathlib import Path

import platformdirs

from index.settings import Settings


def test_common_environment_names_do_not_leak_into_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # `home` must not read $HOME
    monkeypatch.setenv("TOP_K", "not a number")
    monkeypatch.setenv("COLLECTION", "other")
    monkeypatch.delenv("NEWSBOT_HOME", raising=False)
    settings = Settings()
    assert settings.home == Path(platformdirs.user_data_dir("newsbot", appauthor=False)) != tmp_path
    assert settings.top_k == 6 and settings.collection == "news"


def test_documented_variables_and_keyword_arguments_both_work(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSBOT_HOME", str(tmp_path))
    monkeypatch.setenv("NEWSBOT_TOP_K", "4")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    settings = Settings()
    assert settings.home == tmp_path and settings.top_k == 4 and settings.llm_enabled
    assert Settings(home=tmp_path / "x", top_k=3).top_k == 3
