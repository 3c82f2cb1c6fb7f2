"""The real `newsbot run`, as a process, against FakeDiscord (test support only, never product code).

`python -m tests.support.newsbot_on_fake` points discord.py at the fake whose port is in
NEWSBOT_FAKE_DISCORD_PORT (`Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY`, as
../shared/DISCORD_FAKE.md says) and then runs `bot.cli.main(["run"])` unchanged: every other setting comes
from the environment as a user's would (NEWSBOT_HOME, NEWSBOT_DATABASE_URL, NEWSBOT_CHROMA_HOST/PORT,
NEWSBOT_SHARD_COUNT, NEWSBOT_SHARD_IDS, DISCORD_TOKEN, NEWSBOT_SOURCES…). `BotProcess` starts one, with its
log in a file, and stops or kills it. With NEWSBOT_FAKE_DIGEST_CHECK_SECONDS set, the process looks for due digest
schedules that often instead of once a minute (`bot/discord/push/digests.py` CHECK_SECONDS): a test waits for
a schedule's minute, not for the next check after it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PORT_VARIABLE = "NEWSBOT_FAKE_DISCORD_PORT"
DIGEST_CHECK_VARIABLE = "NEWSBOT_FAKE_DIGEST_CHECK_SECONDS"


def point_at_fake(port: int) -> None:
    """Make the unmodified discord.py client talk to FakeDiscord on 127.0.0.1:port."""
    import discord
    import yarl

    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")


def main() -> int:
    """`newsbot run` against the fake."""
    point_at_fake(int(os.environ[PORT_VARIABLE]))
    if os.environ.get(DIGEST_CHECK_VARIABLE):
        from bot.discord.push import digests

        digests.CHECK_SECONDS = float(os.environ[DIGEST_CHECK_VARIABLE])
    from bot.cli import main as newsbot_main

    return newsbot_main(["run"])


class BotProcess:
    """One `newsbot run` process on the fake: `env` is its whole NEWSBOT_/DISCORD_ environment."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "BotProcess":
        """Start (again) the process; its stdout and stderr are appended to its log."""
        from tests.support.paths import ROOT

        base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "NEWSBOT_", "DISCORD_"))}
        self.starts += 1
        with self.log_path.open("a") as log:
            log.write(f"\n===== start {self.starts} =====\n")
        log = self.log_path.open("a")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.support.newsbot_on_fake"], cwd=ROOT,
                                        env=base | {"PYTHONPATH": str(ROOT)} | self.env, stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash or an out-of-memory kill."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM and wait (SIGKILL if it does not end); its exit status."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_log(self, fragment: str, timeout: float = 120, after: int = 0) -> None:
        """Wait until the log contains `fragment` (past offset `after`); AssertionError with the log's tail."""
        deadline = time.monotonic() + timeout
        while fragment not in self.log()[after:]:
            assert self.alive(), f"{self.name} exited:\n{self.log()[-3000:]}"
            assert time.monotonic() < deadline, f"{self.name}: no {fragment!r} in:\n{self.log()[-3000:]}"
            time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
