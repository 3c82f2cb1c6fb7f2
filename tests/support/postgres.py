"""A throwaway PostgreSQL cluster for the tests: Debian's `initdb`/`pg_ctl` in a temporary folder, listening
on 127.0.0.1 only, run as the `postgres` user when the tests run as root (PostgreSQL refuses root)."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tests.support.ports import free_port

_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL server program (initdb, pg_ctl), from PATH or Debian's versioned folder."""
    for folder in _BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install Debian's postgresql package (.ci/run does)")
    return found


@dataclass
class Cluster:
    """A running cluster: its port and how to make databases in it."""

    folder: Path
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`immediate` is a crash, as a power cut)."""
        _run(self, [pg_tool("pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"])

    def start(self) -> None:
        """Start (again) the server on its port."""
        log = self.folder / "server.log"
        _run(self, [pg_tool("pg_ctl"), "-D", str(self.folder / "data"), "-l", str(log), "-w", "-t", "60",
                    "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off", "start"])


def _as_postgres() -> dict:
    """preexec_fn arguments to drop root for the postgres user (PostgreSQL will not run as root)."""
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam("postgres")

    def demote() -> None:
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)

    return {"preexec_fn": demote}


def _run(cluster: Cluster, command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, cwd=cluster.folder, **_as_postgres())
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A new cluster in a temporary folder of its own (trust authentication, 127.0.0.1 only), stopped and
    removed at the end. The folder is in /tmp, not under pytest's (or a TMPDIR pointing there): that one is
    root's alone, and the server runs as the postgres user."""
    folder = Path(tempfile.mkdtemp(prefix="newsbot-postgres-", dir="/tmp" if os.path.isdir("/tmp") else None))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = Cluster(folder, free_port(), user)
    _run(cluster, [pg_tool("initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", user, "-E", "UTF8",
                   "--no-sync"])
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
