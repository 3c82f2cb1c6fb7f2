"""What each `newsbot` command does: a thin adapter that calls the core (`index.port.NewsPort`) and prints.

Every command gets the parsed arguments and the `Settings` read once by `bot/cli.py`.
"""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import asdict
from datetime import date

from bot import cli_migrate, cli_servers
from bot import output
from bot.discord.parsing import parse_since
from index.errors import BadInput
from index.port import clean_question
from index.settings import Settings


PROGRESS_LINE_SECONDS = 10.0  # without a terminal: a plain progress line at most this often


def _progress_bar(total_label: str):
    """Progress on stderr driven by (done, total) callbacks: a tqdm bar on a terminal, plain lines otherwise."""
    from tqdm import tqdm

    stream = getattr(sys.stderr, "unfiltered", sys.stderr)  # the bar's own \r, not article text
    if not stream.isatty():
        return _progress_lines(total_label, PROGRESS_LINE_SECONDS)
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="article", desc=total_label, file=stream, leave=False)
        bar.total = total  # each source reports its own total
        bar.n = done
        bar.refresh()

    return update


def _progress_lines(label: str, every: float):
    """A line on stderr (a log, a pipe, systemd) at the start, at most every `every` seconds, and at the end."""
    last: list[float] = []

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if 0 < done < total and last and now - last[-1] < every:
            return
        last[:] = [now]
        share = f" ({100 * done // total} %)" if total else ""
        print(f"newsbot: {label}: {done} of {total} articles{share}", file=sys.stderr, flush=True)

    return update


def _service(settings: Settings):
    from bot.phrases import check_phrases
    from index.app import build_service
    from index.port import LANGUAGES

    service = build_service(settings)
    check_phrases({code: service.phrases(code) for code in LANGUAGES})  # what the CLI says, checked at start
    return service


def _ensure_indexed(service, settings: Settings) -> None:
    """Index the default sources on first use; with another embedding model's index in the home, say to run
    `newsbot index` instead (a model's index is never queried with another's vectors)."""
    if service.is_empty() and (others := service.indexed_by_other_models()):
        raise BadInput(f"nothing is indexed yet for the embedding model NEWSBOT_EMBED_MODEL="
                       f"{settings.embed_model}; this home's articles are in another model's index "
                       f"({', '.join(others)}), which stays as it is. Run `newsbot index` to index them for "
                       "this model, then ask again")
    if service.is_empty():
        print("Indexing the default sources first…", file=sys.stderr)
        report = service.index(progress=_progress_bar("indexing"))
        for error in report.errors:
            print(f"newsbot: warning: {error.source}: {error.item}: {error.reason}", file=sys.stderr)


def cmd_index(args, settings: Settings) -> int:
    if args.watch:
        return _watch(args, settings)
    report = _service(settings).index(source=args.source, full=args.full, progress=_progress_bar("indexing"))
    print(output.index_report(report))
    for error in report.errors:
        print(f"newsbot: error: {error.source}: {error.item}: {error.reason}", file=sys.stderr)
    return 1 if report.errors else 0


def _watch(args, settings: Settings) -> int:
    """`index --watch`: the refresh schedule in the foreground; Ctrl-C stops it after the current refresh."""
    import signal
    import threading

    from index.app import watch_sources

    if args.source or args.full:
        raise BadInput("--watch refreshes every source on its schedule; it takes no --source or --full")
    service = _service(settings)
    if not any(s.refresh_seconds for s in service.sources()):
        print("newsbot: nothing to refresh on a schedule: folder and JSONL sources are read by `newsbot index` "
              "(give one `refresh = \"30m\"` in the sources config to watch it; feeds and URLs have a schedule "
              "of their own)", file=sys.stderr)
        return 2
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
    watch_sources(service, stop)
    print("newsbot: stopped", file=sys.stderr)
    return 0


def cmd_ask(args, settings: Settings) -> int:
    clean_question(args.question)  # a bad question fails before any model loads
    as_of = _date_option("--as-of", args.as_of)
    service = _service(settings)
    _ensure_indexed(service, settings)
    answer = service.ask(args.question, as_of=as_of)
    words = service.phrases(answer.language)  # the answer's language: the question's, or the default
    print(output.to_json(output.answer_json(answer)) if args.json else output.answer_text(answer, words))
    return 0


def cmd_search(args, settings: Settings) -> int:
    if args.k < 1:
        raise BadInput("-k must be at least 1")
    service = _service(settings)
    _ensure_indexed(service, settings)
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


def cmd_summary(args, settings: Settings) -> int:
    since = parse_since(args.since, date.today(), "--since ")
    service = _service(settings)
    _ensure_indexed(service, settings)
    answer = service.summarize(args.target, since, language=args.language)
    words = service.phrases(args.language) if args.language else None
    print(output.to_json(output.answer_json(answer)) if args.json else output.answer_text(answer, words))
    return 0


def cmd_digest(args, settings: Settings) -> int:
    since = parse_since(args.since, date.today(), "--since ")
    if args.limit < 1:
        raise BadInput("--limit must be at least 1")
    service = _service(settings)
    digest = service.digest(since=since, sources=args.source, limit=args.limit, language=args.language)
    words = service.phrases(args.language) if args.language else None
    print(output.to_json(output.digest_json(digest)) if args.json else output.digest_text(digest, words))
    return 0


def cmd_sources(args, settings: Settings) -> int:
    statuses = _service(settings).sources()
    print(output.to_json([asdict(s) for s in statuses]) if args.json else output.sources_text(statuses))
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from index.app import run_evaluation

    result = run_evaluation(settings, args.articles, args.questions, args.weeks, args.k,
                            progress=_progress_bar("indexing"), split=args.split,
                            as_of_question_date=args.as_of_question_date)
    text = output.eval_split_text(result) if args.split else output.eval_text(result)
    print(output.to_json(result) if args.json else text)
    return 0


def cmd_feedback(args, settings: Settings) -> int:
    from bot.state.feedback_columns import FEEDBACK_COLUMNS_BEFORE_SCOPES
    from index.app import build_feedback

    store = build_feedback(settings, FEEDBACK_COLUMNS_BEFORE_SCOPES)
    if args.by:
        print(cli_servers.feedback_by(store, args.by, args.json))
        return 0
    rows = store.list(args.limit)
    print(output.to_json([output.feedback_record(r) for r in rows]) if args.json
          else output.feedback_text(rows))
    return 0


def cmd_doctor(args, settings: Settings) -> int:
    found, left = _service(settings).doctor(repair=args.repair)
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


def cmd_run(args, settings: Settings) -> int:
    from bot.discord.main import main as run_discord

    return run_discord(settings)


COMMANDS = {"index": cmd_index, "ask": cmd_ask, "search": cmd_search, "summary": cmd_summary,
            "digest": cmd_digest, "sources": cmd_sources, "eval": cmd_eval, "feedback": cmd_feedback, "doctor": cmd_doctor,
            "run": cmd_run, **cli_servers.COMMANDS, **cli_migrate.COMMANDS}
