"""The `newsbot` command line's arguments: one function per group of commands."""
from __future__ import annotations

import argparse
from pathlib import Path

from bot import cli_migrate, cli_servers
from index.port import LANGUAGES


def build_parser() -> argparse.ArgumentParser:
    """The parser of every `newsbot` command."""
    parser = argparse.ArgumentParser(prog="newsbot", description="Answers questions about news articles, with cited passages.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens on stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_indexing(commands)
    _add_questions(commands)
    _add_operations(commands)
    cli_servers.add_parsers(commands)
    cli_migrate.add_parsers(commands)
    return parser


def _add_indexing(commands) -> None:
    """`index` and `sources`."""
    index = commands.add_parser("index", help="index the configured sources (incrementally)")
    index.add_argument("--source", help="index only this source")
    index.add_argument("--full", action="store_true", help="re-embed everything instead of only changes")
    index.add_argument("--watch", action="store_true",
                       help="refresh the sources on their schedule (refresh = \"30m\") until Ctrl-C")
    sources = commands.add_parser("sources", help="list the sources and what is indexed of each")
    sources.add_argument("--json", action="store_true")


def _add_questions(commands) -> None:
    """`ask`, `search`, `summary` and `digest`."""
    ask = commands.add_parser("ask", help="answer a question with cited passages")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--as-of", help="the date the question is asked (YYYY-MM-DD; default today): "
                     "\"this week\" is relative to it and later articles are left out")
    search = commands.add_parser("search", help="show the best passages for a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=10, help="how many passages (default 10)")
    search.add_argument("--json", action="store_true")
    summary = commands.add_parser("summary", help="summarise an article (title or URL) or a topic")
    summary.add_argument("target")
    summary.add_argument("--since", help="only articles published since this date (YYYY-MM-DD) "
                         "or this long back (3d, 2w, 1m)")
    summary.add_argument("--language", choices=LANGUAGES, default=None,
                         help="the language of its words (and, with a model, of the summary); default English")
    summary.add_argument("--json", action="store_true")
    digest = commands.add_parser("digest", help="the stories of the last days, each summarised with citations")
    digest.add_argument("--since", default="1d",
                        help="since this date (YYYY-MM-DD) or this long back (3d, 2w, 1m; default 1d: yesterday and today)")
    digest.add_argument("--source", action="append", help="only this source (repeat for several)")
    digest.add_argument("--limit", type=int, default=10, help="at most this many stories (default 10)")
    digest.add_argument("--language", choices=LANGUAGES, default=None,
                        help="the language of its words (and, with a model, of its summaries); default English")
    digest.add_argument("--json", action="store_true")


def _add_operations(commands) -> None:
    """`eval`, `feedback`, `doctor` and `run`."""
    evaluate = commands.add_parser("eval", help="score retrieval and answers on a RealTime QA article set")
    evaluate.add_argument("--articles", required=True, type=Path)
    evaluate.add_argument("--questions", required=True, type=Path)
    evaluate.add_argument("--weeks", help="comma-separated weeks, e.g. 20250103,20250110")
    evaluate.add_argument("-k", type=int, default=10)
    evaluate.add_argument("--as-of-question-date", action="store_true",
                          help="ask each question as of its own date (later articles left out, recency prior on)")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--split", action="store_true",
                          help="three rows: odd weeks (tune), even weeks (report), all weeks")
    feedback = commands.add_parser("feedback", help="list the 👍/👎 feedback given in Discord")
    feedback.add_argument("--limit", type=int, default=50)
    feedback.add_argument("--json", action="store_true")
    feedback.add_argument("--by", choices=["source", "server"], help="votes summed per cited source or per server")
    doctor = commands.add_parser("doctor", help="check that sources, docstores and vector store agree")
    doctor.add_argument("--repair", action="store_true", help="delete what is inconsistent (re-index restores it)")
    doctor.add_argument("--json", action="store_true")
    commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
