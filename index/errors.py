"""The small error vocabulary of the core. Adapters (CLI, Discord) translate these once, at their edge.

An error any asker can meet (a question that is empty or too long) also names its phrase in
`prompts/phrases/<code>.toml` and that phrase's values, so that an adapter can say it in the asker's language;
its message stays the English line the command line and the logs show."""
from __future__ import annotations


class NewsbotError(Exception):
    """Base class: an expected failure whose message is fit to show a user as one line; `phrase` (with
    `values`) is the same line's key in the phrases files, for the adapters that speak other languages."""

    def __init__(self, message: str = "", *, phrase: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.phrase = phrase
        self.values = values


class BadInput(NewsbotError):
    """The user's input cannot be used (empty question, unknown source, malformed config)."""


class SourceError(NewsbotError):
    """A source or one of its items could not be read (unreachable URL, broken file, malformed feed)."""


class StoreUnavailable(NewsbotError):
    """The vector store cannot be reached or refused the operation."""


class LLMUnavailable(NewsbotError):
    """The language model could not be reached or kept failing after retries."""


class EmbedderUnavailable(NewsbotError):
    """The embedding model cannot be loaded or reached (a missing package, an unreachable server)."""


class IndexBusy(NewsbotError):
    """Another re-index is already running."""


class StartupError(NewsbotError):
    """A process cannot start (no token, a service refusing it); `exit_code` is what the process exits with."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def require_installed(modules: tuple[str, ...], hint: str) -> None:
    """Raise BadInput(`hint`, the install command) when one of `modules` cannot be imported (not installed, a
    broken install, or a module blocked in sys.modules): an optional extra checked at start."""
    from importlib.util import find_spec

    for module in modules:
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise BadInput(hint)
