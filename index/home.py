"""The home folder (NEWSBOT_HOME) must be a folder newsbot can write to: checked once, in one line."""
from __future__ import annotations

import os
from pathlib import Path

from index.errors import BadInput


def ensure_home(home: Path) -> None:
    """Create `home` if needed and check that it is a writable folder; BadInput says what is wrong."""
    try:
        home.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BadInput(f"NEWSBOT_HOME {home} is a file, not a folder; point it at a folder") from None
    except OSError as exc:
        raise BadInput(f"cannot create NEWSBOT_HOME {home}: {exc.strerror or exc}") from None
    if not home.is_dir():
        raise BadInput(f"NEWSBOT_HOME {home} is a file, not a folder; point it at a folder")
    probe = home / f".newsbot-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise BadInput(f"NEWSBOT_HOME {home} cannot be written to ({exc.strerror or exc}); "
                       "point it at a folder newsbot can write to") from None
