"""Memory across a soak: N /ask interactions through the fake Discord against the real bot and core.

    python -m bench.soak [--questions 1000] [--wave 8]
    python -m bench.soak --quick        # 8 questions (two waves of 4, RSS sampled after each)

Builds a service on the seed articles in a temporary home, starts the unmodified discord.py client
against tests/support/fake_discord.py on 127.0.0.1, sends /ask in waves (distinct users, so the per-user
rate limit does not interfere) and samples the process's resident memory every 100 answers.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bot.discord.limits import Limits
from index.app import build_service
from index.service.feedback import FeedbackStore
from index.settings import Settings
from tests.support.discord_bot import running_bot

QUESTIONS = ("What did Putin agree to?", "What did Zelensky say about the energy pause?",
             "Who proposed hockey matches?", "What did Putin say about Taiwan?",
             "How long did the call between Trump and Putin last?", "What is the Black Sea ceasefire?")


def rss_mib() -> float:
    """Resident set size of this process, MiB (from /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def soak(total: int, wave: int, home: Path) -> list[tuple[int, float, float]]:
    """Run the soak; returns (answered, RSS MiB, seconds) samples."""
    service = build_service(Settings(home=home))
    service.index()
    samples = [(0, rss_mib(), 0.0)]
    limits = Limits(per_user=10**6, per_seconds=1.0, max_concurrent=4, max_waiting=64, progress_interval=0.0)
    async with running_bot(service, FeedbackStore(home / "feedback.sqlite3"), limits=limits) as (fake, _bot):
        started = time.perf_counter()
        answered = 0
        every = max(1, min(100, total // 4))  # sample interval, in answers
        while answered < total:
            batch = [await fake.slash("ask", {"question": QUESTIONS[(answered + i) % len(QUESTIONS)]},
                                      user=f"user{(answered + i) % 50}") for i in range(min(wave, total - answered))]
            await fake.wait_for(lambda: all(i.visible_messages() and i.visible_messages()[-1].get("components")
                                            for i in batch), 120)
            crossed = (answered + len(batch)) // every > answered // every
            answered += len(batch)
            if crossed:
                samples.append((answered, rss_mib(), time.perf_counter() - started))
                print(f"{answered:5d} answered  RSS {samples[-1][1]:7.1f} MiB", file=sys.stderr, flush=True)
            # The fake (in this same process) records every payload: forget them, so that the RSS
            # measured is the bot's and the core's, not the recorder's.
            for interaction in batch:
                fake.interactions.pop(interaction.id, None)
            fake.requests.clear()
            fake.messages.clear()
    return samples


def main() -> int:
    """Run and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--wave", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="8 questions (two waves of 4)")
    args = parser.parse_args()
    if args.quick:
        args.questions, args.wave = 8, 4
    with tempfile.TemporaryDirectory(prefix="newsbot-soak-") as home:
        samples = asyncio.run(soak(args.questions, args.wave, Path(home)))
    print("| answered | RSS MiB | seconds |\n|---|---|---|")
    for answered, rss, seconds in samples:
        print(f"| {answered} | {rss:.1f} | {seconds:.0f} |")
    first, last = samples[1][1], samples[-1][1]
    print(f"\nRSS after {samples[1][0]} answers {first:.1f} MiB, after {samples[-1][0]}: {last:.1f} MiB "
          f"({(last - first) / first:+.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
