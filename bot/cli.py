"""The `newsbot` command line: a thin adapter that calls the core and prints its results."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Sequence

from pydantic import ValidationError

from bot import cli_servers, output
from bot.cli_errors import describe_os_error, output_closed, write_crash_log
from index.errors import BadInput, NewsbotError
from index.questions import clean_question

log = logging.getLogger("newsbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description="Answers questions about news articles, with cited passages.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens on stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="index the configured sources (incrementally)")
    index.add_argument("--source", help="index only this source")
    index.add_argument("--full", action="store_true", help="re-embed everything instead of only changes")
    index.add_argument("--watch", action="store_true",
                       help="refresh the sources on their schedule (refresh = \"30m\") until Ctrl-C")

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
    summary.add_argument("--since", help="only articles published since this date (YYYY-MM-DD)")
    summary.add_argument("--json", action="store_true")

    sources = commands.add_parser("sources", help="list the sources and what is indexed of each")
    sources.add_argument("--json", action="store_true")

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
    cli_servers.add_parsers(commands)
    return parser


def _progress_bar(total_label: str):
    """A tqdm bar on stderr driven by (done, total) callbacks."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            stream = getattr(sys.stderr, "unfiltered", sys.stderr)  # the bar's own \r, not article text
            bar = tqdm(total=total, unit="article", desc=total_label, file=stream, leave=False,
                       disable=not stream.isatty())
        bar.n = done
        bar.refresh()

    return update


def _service():
    from index.app import build_service

    return build_service()


def _ensure_indexed(service) -> None:
    if service.is_empty():
        print("Indexing the default sources first…", file=sys.stderr)
        report = service.index(progress=_progress_bar("indexing"))
        for error in report.errors:
            print(f"newsbot: warning: {error.source}: {error.item}: {error.reason}", file=sys.stderr)


def _cmd_index(args) -> int:
    if args.watch:
        return _watch(args)
    report = _service().index(source=args.source, full=args.full, progress=_progress_bar("indexing"))
    print(output.index_report(report))
    for error in report.errors:
        print(f"newsbot: error: {error.source}: {error.item}: {error.reason}", file=sys.stderr)
    return 1 if report.errors else 0


def _watch(args) -> int:
    """`index --watch`: the refresh schedule in the foreground; Ctrl-C stops it after the current refresh."""
    import signal
    import threading

    from index.refresh import Refresher

    if args.source or args.full:
        raise BadInput("--watch refreshes every source on its schedule; it takes no --source or --full")
    service = _service()
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        print("newsbot: stopping after the current refresh (Ctrl-C again to abort it)", file=sys.stderr)
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    lines = logging.StreamHandler(sys.stdout)
    lines.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    refresh_log = logging.getLogger("newsbot.refresh")
    refresh_log.addHandler(lines)
    refresh_log.setLevel(logging.INFO)
    refresh_log.propagate = False
    print("newsbot: watching the sources; Ctrl-C stops", file=sys.stderr, flush=True)
    Refresher(service, stop).run()
    print("newsbot: stopped", file=sys.stderr)
    return 0


def _cmd_ask(args) -> int:
    clean_question(args.question)  # a bad question fails before any model loads
    as_of = _date_option("--as-of", args.as_of)
    service = _service()
    _ensure_indexed(service)
    answer = service.ask(args.question, as_of=as_of)
    print(output.to_json(output.answer_json(answer)) if args.json else output.answer_text(answer))
    return 0


def _cmd_search(args) -> int:
    if args.k < 1:
        raise BadInput("-k must be at least 1")
    service = _service()
    _ensure_indexed(service)
    passages = service.search(args.query, args.k)
    print(output.to_json(output.search_json(passages)) if args.json
          else output.search_text(passages))
    return 0


def _date_option(option: str, value: str | None) -> date | None:
    """A YYYY-MM-DD option's date (None when not given); BadInput for anything else."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{option} takes a date like 2025-03-01, not {value!r}") from None


def _cmd_summary(args) -> int:
    since = _date_option("--since", args.since)
    service = _service()
    _ensure_indexed(service)
    answer = service.summarize(args.target, since)
    print(output.to_json(output.answer_json(answer)) if args.json else output.answer_text(answer))
    return 0


def _cmd_sources(args) -> int:
    statuses = _service().sources()
    print(output.to_json([asdict(s) for s in statuses]) if args.json else output.sources_text(statuses))
    return 0


def _cmd_eval(args) -> int:
    from index import evaluation
    from index.app import build_service
    from index.eval_run import eval_collection_name, run_eval

    weeks = evaluation.parse_weeks(args.weeks)
    service = build_service(collection=eval_collection_name(args.articles, weeks))
    result = run_eval(service, args.articles, args.questions, weeks, args.k, progress=_progress_bar("indexing"),
                      split=args.split, as_of_question_date=args.as_of_question_date)
    text = output.eval_split_text(result) if args.split else output.eval_text(result)
    print(output.to_json(result) if args.json else text)
    return 0


def _cmd_feedback(args) -> int:
    from index.feedback import FeedbackStore, feedback_path
    from index.settings import Settings

    store = FeedbackStore(feedback_path(Settings().home))
    if args.by:
        print(cli_servers.feedback_by(store, args.by, args.json))
        return 0
    rows = store.list(args.limit)
    print(output.to_json([asdict(r) for r in rows]) if args.json
          else output.feedback_text(rows))
    return 0


def _cmd_doctor(args) -> int:
    found, left = _service().doctor(repair=args.repair)
    if args.json:
        print(output.to_json({"found": [asdict(p) for p in found], "left": [asdict(p) for p in left]}))
        return 1 if left else 0
    for problem in found:
        print(str(problem))
    if not found:
        print("ok: sources, docstores and vector store agree")
    elif args.repair:
        print(f"repaired {len(found) - len(left)} of {len(found)} problem(s); run `newsbot index` to re-embed what was removed")
    else:
        print(f"{len(found)} problem(s); `newsbot doctor --repair` fixes them")
    return 1 if left else 0


def _cmd_run(args) -> int:
    from bot.discord_main import main as run_discord

    return run_discord()


COMMANDS = {"index": _cmd_index, "ask": _cmd_ask, "search": _cmd_search, "summary": _cmd_summary,
            "sources": _cmd_sources, "eval": _cmd_eval, "feedback": _cmd_feedback, "doctor": _cmd_doctor,
            "run": _cmd_run, **cli_servers.COMMANDS}


def configure_logging(verbose: bool) -> None:
    """Warnings (or everything with -v) to stderr; noisy libraries kept quiet."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.root.handlers:  # bm25s sets its own logger to DEBUG when imported
        handler.setLevel(level)
    for noisy in ("httpx", "chromadb", "bm25s", "sentence_transformers", "transformers", "urllib3",
                  "llama_index", "openai", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsbot` console script; returns the exit status.

    Everything it prints goes through a filter that drops terminal controls (bot/output.py): articles
    are untrusted, and a title may carry `\\033]0;…\\007` or `\\033[2J`."""
    with output.terminal_safe_streams():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at interpreter exit
        return status
    except NewsbotError as exc:
        print(f"newsbot: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return output_closed()
    except OSError as exc:
        print(f"newsbot: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsbot: interrupted", file=sys.stderr)
        return 130
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'setting'}: {e['msg']}" for e in exc.errors())
        print(f"newsbot: error: invalid setting: {problems}", file=sys.stderr)
        return 1
    except Exception:
        from index.settings import _default_home

        where = write_crash_log(Path(os.environ.get("NEWSBOT_HOME") or _default_home()))
        details = f"details are in {where}" if where else "no log file could be written"
        print(f"newsbot: error: something unexpected went wrong; {details}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
