"""`newsbot migrate --to postgresql://…`: move a single-machine home into PostgreSQL, so that several processes
on several machines can share it (README, "Several machines").

What moves: the core's shared state (feedback, the content hashes of incremental indexing, fetch state, source
health, servers' own sources, last-indexed times: `index.app.migrate_core`) and the Discord adapter's
(`guilds.sqlite3`: servers' settings, the post ledger, feeds, follows, alerts, digest schedules). The vectors stay
where they are (a Chroma server, NEWSBOT_CHROMA_HOST). Every row keeps its key and a row already there is left as
it is, so a migration that stopped half way is finished by running it again; the counts are checked and printed,
and nothing is deleted from the home.
"""
from __future__ import annotations

import argparse

from index.errors import BadInput
from index.settings import Settings


def add_parsers(commands) -> None:
    """`migrate`."""
    migrate = commands.add_parser("migrate", help="move this home's state into PostgreSQL (for several processes)")
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:5432/db")


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the home's state into the database at --to; 0 when every row is there, 1 otherwise."""
    from bot.state import TABLES, open_state
    from bot.state.feedback_columns import FEEDBACK_COLUMNS_BEFORE_SCOPES
    from index.app import build_state_database, copy_table, migrate_core, open_database, redact

    url = args.to.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise BadInput(f"--to must be a postgresql:// URL (got {redact(url)!r})")
    target = open_database(url, "database")
    target.query("SELECT 1")  # unreachable, refused or missing: one line, before anything is read
    counts = migrate_core(settings, url, FEEDBACK_COLUMNS_BEFORE_SCOPES)
    home = settings.home / "guilds.sqlite3"
    if home.exists():
        source = build_state_database(settings.model_copy(update={"database_url": None}))
        open_state(target)  # the adapter's tables, created where missing
        counts += [(f"bot: {table}", *copy_table(source, target, table)) for table in TABLES]
    return report(counts, redact(url))


def report(counts: list[tuple[str, int, int]], where: str) -> int:
    """Print what was copied, one line each; 0 when the target holds at least every row of the home."""
    short = [name for name, home, there in counts if there < home]
    for name, home, there in counts:
        print(f"{name}: {home} in the home, {there} in PostgreSQL" + ("  <- MISSING ROWS" if there < home else ""))
    if short:
        print(f"newsbot: migrate did not finish ({', '.join(short)}); run it again: it goes on where it stopped")
        return 1
    print(f"done: set NEWSBOT_DATABASE_URL={where} (and NEWSBOT_CHROMA_HOST) for every process")
    return 0


COMMANDS = {"migrate": cmd_migrate}
