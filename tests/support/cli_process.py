"""The `newsbot` command run as a user runs it: a real process, from this checkout."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.derived_models import seed_models
from tests.support.paths import ROOT


def newsbot(*args, home: Path, env: dict | None = None, timeout: float = 300,
            python_flags: tuple[str, ...] = (), derived_model: bool = True) -> subprocess.CompletedProcess:
    """Run `newsbot *args` with NEWSBOT_HOME=home and no OPENAI_/NEWSBOT_ setting but those in `env`; the home
    gets the derived model graph first (tests/support/derived_models.py) unless `derived_model` is False."""
    if derived_model:
        seed_models(home)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_"))}
    environment |= {"NEWSBOT_HOME": str(home)} | (env or {})
    return subprocess.run([sys.executable, *python_flags, "-m", "bot.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=timeout)


def assert_clean_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    """The command failed with exit code 1 and one `newsbot: error:` line containing `fragment`, no traceback."""
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsbot: error:") and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
