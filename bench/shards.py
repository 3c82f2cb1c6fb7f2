"""Digest schedules across processes (issue 28): N servers, each with a digest schedule due in the same minute,
served by 3 real `newsbot run` processes (shards 0, 1, 2 of 3) against the fake Discord with N guilds, on one
throwaway PostgreSQL, against 1 process doing all N. Reports the time from the first digest post to the last
(and from the start of the processes), that none fired twice, the PostgreSQL statements per post (the
database's committed transactions: every statement is one, autocommit), and the peak requests per second all
processes made to Discord together (the global limit, 50/s per bot token, is shared by all of them).

It also asks the same questions on the embedded default store and on PostgreSQL + a `chroma run` server in
one run and reports the p50 ratio.

    python -m bench.shards            # 1,000 servers
    python -m bench.shards --quick    # 12 servers (4 a shard), one round of two questions
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.state import open_state
from bot.discord.push import digest_times
from index.store.database import open_database
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_in_thread import FakeInThread
from tests.support.newsbot_on_fake import PORT_VARIABLE, BotProcess
from tests.support.paths import SEEDS
from tests.support.ports import free_port
from tests.support.postgres import postgres_cluster

QUESTIONS = ["What did Putin agree to after the call with Trump?", "Which targets are the attacks paused on?",
             "Who spoke on the phone about Ukraine?", "What happens to energy infrastructure?",
             "What did the Kremlin say?", "How long is the pause?"]


def _transactions(url: str) -> int:
    db = open_database(url)
    return int(db.query("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")[0][0])


def _schedule_all(url: str, guilds: list[str], channels: dict[str, str]) -> None:
    """Every server gets a daily digest at the current minute, created two minutes ago: due at once."""
    state = open_state(open_database(url))
    now = datetime.now(timezone.utc)
    at, created = now.strftime("%H:%M"), digest_times.slot_key(now - timedelta(minutes=2))
    for guild in guilds:
        state.schedules.add(int(guild), int(channels[guild]), at, "day", now.weekday(), "UTC", (), created, 1)


def _peak_per_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def run_processes(cluster, servers: int, processes: int, work: Path) -> dict:
    """N servers' digests with `processes` bot processes (1: one process, unsharded); the figures."""
    url = cluster.new_database()
    empty = work / "empty-sources.toml"
    empty.write_text("")
    with FakeInThread(FakeDiscord(servers=servers, shards=processes)) as fake:
        guilds, channels = fake.fake.guild_ids, fake.fake.server_channels
        open_state(open_database(url))  # the tables, before the processes race to create them
        _schedule_all(url, guilds, channels)
        before = _transactions(url)
        env = {"DISCORD_TOKEN": "fake-token", "NEWSBOT_DATABASE_URL": url, "NEWSBOT_SOURCES": str(empty),
               "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", PORT_VARIABLE: str(fake.port)}
        if processes > 1:
            env["NEWSBOT_SHARD_COUNT"] = str(processes)
        bots = [BotProcess(f"p{processes}-{i}", env | {"NEWSBOT_HOME": str(work / f"home-{processes}-{i}")}
                           | ({"NEWSBOT_SHARD_IDS": str(i)} if processes > 1 else {}), work) for i in range(processes)]
        started = time.time()
        for bot in bots:
            bot.start()
        try:
            fake.wait(lambda f: all(f.bot_messages(channels[g]) for g in guilds), 900)
            time.sleep(3)
            posts = fake.read(lambda f: [m for m in f.messages.values() if m["author"]["id"] == f.bot_user["id"]])
            requests = fake.read(lambda f: [r.at for r in f.requests])
        finally:
            for bot in bots:
                bot.stop()
        time.sleep(1.5)  # the servers' statistics are flushed when their sessions end
        statements = _transactions(url) - before
    stamps = sorted(float(datetime.fromisoformat(m["timestamp"]).timestamp()) for m in posts)
    per_channel = {}
    for m in posts:
        per_channel[m["channel_id"]] = per_channel.get(m["channel_id"], 0) + 1
    return {"processes": processes, "servers": servers, "posts": len(posts),
            "fired_twice": sum(1 for n in per_channel.values() if n > 1),
            "first_to_last_s": stamps[-1] - stamps[0], "start_to_last_s": stamps[-1] - started,
            "statements_per_post": statements / max(1, len(posts)), "peak_requests_per_s": _peak_per_second(requests)}


def _chroma_server(folder: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    proc = subprocess.Popen([chroma, "run", "--path", str(folder / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("chroma run did not start")


def ask_latency(cluster, work: Path, rounds: int, questions: list[str] = QUESTIONS) -> dict:
    """p50 of `ask` on the embedded default and on PostgreSQL + a Chroma server, the same questions, one run."""
    from index.app import build_service
    from index.settings import Settings

    sources = work / "seeds.toml"
    sources.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\nlocation = "{SEEDS}"\n')
    chroma, port = _chroma_server(work)
    try:
        embedded = build_service(Settings(home=work / "ask-embedded", sources_file=sources))
        embedded.index()
        shared = build_service(Settings(home=work / "ask-shared", sources_file=sources, chroma_host="127.0.0.1",
                                        chroma_port=port, database_url=cluster.new_database()),
                               embedder=embedded.embedder)
        shared.index()
        times: dict[str, list[float]] = {"embedded": [], "shared": []}
        for _ in range(rounds):
            for question in questions:
                for name, service in (("embedded", embedded), ("shared", shared)):  # interleaved: same load
                    t = time.perf_counter()
                    service.ask(question)
                    times[name].append(time.perf_counter() - t)
    finally:
        chroma.terminate()
        chroma.wait(10)
    p50 = {k: statistics.median(v) for k, v in times.items()}
    return {"ask_p50_embedded_ms": 1000 * p50["embedded"], "ask_p50_postgres_chroma_ms": 1000 * p50["shared"],
            "ratio": p50["shared"] / p50["embedded"], "questions": len(times["shared"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="12 servers (4 a shard), 1 round of 2 questions")
    parser.add_argument("--servers", type=int, default=None)
    args = parser.parse_args(argv)
    servers = args.servers or (12 if args.quick else 1000)
    work = Path(tempfile.mkdtemp(prefix="bench-shards-"))
    print("mode: real `newsbot run` processes against the fake Discord (tests/support/newsbot_on_fake.py), "
          f"{servers} guilds, one PostgreSQL; load average before: {Path('/proc/loadavg').read_text().split()[0]}")
    try:
        with postgres_cluster() as cluster:
            one = run_processes(cluster, servers, 1, work)
            three = run_processes(cluster, servers, 3, work)
            ask = ask_latency(cluster, work, 1, QUESTIONS[:2]) if args.quick else ask_latency(cluster, work, 10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("| processes | servers | digests posted | fired twice | first → last post (s) | start → last post (s) "
          "| PostgreSQL statements per post | peak Discord requests/s (all processes) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in (one, three):
        print(f"| {r['processes']} | {r['servers']} | {r['posts']} | {r['fired_twice']} | {r['first_to_last_s']:.2f} "
              f"| {r['start_to_last_s']:.1f} | {r['statements_per_post']:.1f} | {r['peak_requests_per_s']} |")
    print(f"ratio 3 processes / 1, first → last post: {three['first_to_last_s'] / max(one['first_to_last_s'], 1e-9):.2f}; "
          f"start → last post: {three['start_to_last_s'] / one['start_to_last_s']:.2f}")
    print(f"ask p50: embedded {ask['ask_p50_embedded_ms']:.0f} ms, PostgreSQL + Chroma server "
          f"{ask['ask_p50_postgres_chroma_ms']:.0f} ms, ratio {ask['ratio']:.2f} ({ask['questions']} questions each)")
    return 0 if one["fired_twice"] == three["fired_twice"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
