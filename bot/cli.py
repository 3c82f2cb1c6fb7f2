"""The `newsbot` command line: a thin adapter that calls the core and prints its results."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Sequence

from pydantic import ValidationError

from bot import output
from bot.cli_commands import COMMANDS
from bot.cli_errors import describe_os_error, output_closed, write_crash_log
from bot.cli_parser import build_parser
from index.errors import NewsbotError

log = logging.getLogger("newsbot")


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
    try:
        with output.terminal_safe_streams():
            return _main(argv)
    except BrokenPipeError:  # `--help | head -0`, or a write after the command's own handlers
        return output_closed()


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        from index.settings import Settings

        settings = Settings()  # read once, here: every command gets it (an invalid one fails below, in one line)
        status = COMMANDS[args.command](args, settings)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers, not at interpreter exit
        return status
    except NewsbotError as exc:  # every expected failure, start-up ones included: one line, one format
        print(f"newsbot: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
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
