"""The CLI's last words: one line for failures of the environment (files, pipes) and the crash log."""
from __future__ import annotations

import errno
import os
import sys
import tempfile
import traceback
from pathlib import Path

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a file is in the way of a folder",
    errno.EEXIST: "a file is in the way of a folder",
}


def describe_os_error(exc: OSError) -> str:
    """One line for a failed file operation: what could not be used, why, and where to look."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    where = exc.filename or ""
    text = f"cannot use {where}: {reason}" if where else f"a file operation failed: {reason}"
    home = os.environ.get("NEWSBOT_HOME", "")
    if home and str(where).startswith(home):
        text += " (check NEWSBOT_HOME: it must be a folder newsbot can write to)"
    return text


SIGPIPE_STATUS = 128 + 13  # what a shell reports for a command ended by SIGPIPE (`yes | head -1`)


def output_closed() -> int:
    """The reader of our output went away (`newsbot sources | head -1`): stop quietly, as `cat` or `git log`
    would, with the status of a SIGPIPE death (a pipeline without `pipefail` reports `head`'s)."""
    try:  # later writes (and the interpreter's final flush) go nowhere instead of failing again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return SIGPIPE_STATUS


def write_crash_log(home: Path) -> Path | None:
    """Append the current exception's traceback to `home`/newsbot.log, or to the temporary folder when the
    home cannot be written (a file, read-only, full); None when neither can."""
    for path in (home / "newsbot.log", Path(tempfile.gettempdir()) / f"newsbot-{os.getuid()}.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(traceback.format_exc() + "\n")
            return path
        except OSError:
            continue
    return None
