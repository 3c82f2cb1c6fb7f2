"""The sources config (`sources.toml`): read it, add a source, remove one. Pure text and TOML."""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from index.errors import BadInput

KINDS = ("folder", "url", "feed", "jsonl")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_REFRESH_SECONDS = 3600
MIN_REFRESH_SECONDS = 5


def parse_interval(text: str) -> int | None:
    """"30m", "2h", "1d", "90s" -> seconds; "off"/"none"/"never" -> None. BadInput for anything else."""
    if text.strip().lower() in ("off", "none", "never"):
        return None
    match = _INTERVAL.match(text)
    if not match or int(match[1]) * _UNIT_SECONDS[match[2]] < MIN_REFRESH_SECONDS:
        raise BadInput(f"refresh must look like 30m, 2h or 1d (at least {MIN_REFRESH_SECONDS} s) or off, not {text!r}")
    return int(match[1]) * _UNIT_SECONDS[match[2]]


@dataclass(frozen=True)
class SourceSpec:
    """One `[[source]]` table: where articles come from."""

    name: str
    kind: str
    location: str  # a path (relative to the config file's folder) or a URL
    max_items: int = 200  # feeds: newest entries kept; folders and jsonl: no effect
    retention_days: int | None = None  # articles published longer ago are deleted; None keeps them all
    refresh: str = ""  # e.g. "30m", "2h", "off"; "" is the default (60m for feeds and URLs, off otherwise)

    @property
    def is_archive(self) -> bool:
        """Feeds and URLs keep what they indexed (an entry that leaves the feed stays); folders and JSONL
        files are snapshots (what vanished from them is deleted)."""
        return self.kind in ("feed", "url")

    @property
    def refresh_seconds(self) -> int | None:
        """Seconds between scheduled refreshes, None when the source is not refreshed on a schedule."""
        if not self.refresh:
            return DEFAULT_REFRESH_SECONDS if self.is_archive else None
        return parse_interval(self.refresh)

    def resolved_location(self, config_dir: Path) -> str:
        """The location with relative paths made absolute against the config's folder."""
        if self.kind in ("folder", "jsonl"):
            path = Path(self.location).expanduser()
            return str(path if path.is_absolute() else (config_dir / path).resolve())
        return self.location


def parse_sources(text: str, origin: str = "sources.toml") -> list[SourceSpec]:
    """Parse and validate the TOML text of a sources config; BadInput names the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{origin}: not valid TOML: {exc}") from None
    specs: list[SourceSpec] = []
    for i, table in enumerate(data.get("source", []), start=1):
        name, kind, location = table.get("name"), table.get("kind"), table.get("location")
        if not isinstance(name, str) or not _NAME.match(name):
            raise BadInput(f"{origin}: source #{i} needs a name of letters, digits, '_', '-' or '.'")
        if kind not in KINDS:
            raise BadInput(f"{origin}: source {name!r} has kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not isinstance(location, str) or not location.strip():
            raise BadInput(f"{origin}: source {name!r} needs a location")
        if any(s.name == name for s in specs):
            raise BadInput(f"{origin}: source name {name!r} is used twice")
        max_items = table.get("max_items", 200)
        if not isinstance(max_items, int) or max_items < 1:
            raise BadInput(f"{origin}: source {name!r}: max_items must be a positive integer")
        retention = table.get("retention_days")
        if retention is not None and (not isinstance(retention, int) or isinstance(retention, bool) or retention < 1):
            raise BadInput(f"{origin}: source {name!r}: retention_days must be a positive integer of days")
        refresh = table.get("refresh", "")
        if not isinstance(refresh, str):
            raise BadInput(f"{origin}: source {name!r}: refresh must be a string like \"30m\" or \"off\"")
        try:
            parse_interval(refresh) if refresh else None
        except BadInput as exc:
            raise BadInput(f"{origin}: source {name!r}: {exc}") from None
        specs.append(SourceSpec(name=name, kind=kind, location=location.strip(), max_items=max_items,
                                retention_days=retention, refresh=refresh))
    return specs


def load_sources(path: Path) -> list[SourceSpec]:
    """Read the sources config at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"sources config not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read sources config {path}: {exc}") from None
    return parse_sources(text, origin=str(path))


def with_source_added(text: str, spec: SourceSpec) -> str:
    """The config text with one more `[[source]]` table appended; comments and order are kept."""
    existing = parse_sources(text)
    if any(s.name == spec.name for s in existing):
        raise BadInput(f"a source named {spec.name!r} already exists")
    parse_sources(_table(spec))  # validates the new entry's fields
    return text.rstrip("\n") + "\n\n" + _table(spec)


def with_source_removed(text: str, name: str) -> str:
    """The config text without the `[[source]]` table named `name`; everything else is kept."""
    if not any(s.name == name for s in parse_sources(text)):
        raise BadInput(f"no source named {name!r}")
    blocks = re.split(r"(?m)^(?=\[\[source\]\])", text)
    kept = [b for b in blocks if not (b.startswith("[[source]]") and _block_name(b) == name)]
    return "".join(kept).rstrip("\n") + "\n"


def _block_name(block: str) -> str | None:
    try:
        tables = tomllib.loads(block).get("source", [])
    except tomllib.TOMLDecodeError:
        return None
    return tables[0].get("name") if tables else None


def _table(spec: SourceSpec) -> str:
    # json.dumps writes a valid TOML basic string (same escapes for quotes, backslashes, controls).
    lines = ["[[source]]", f"name = {json.dumps(spec.name)}", f"kind = {json.dumps(spec.kind)}",
             f"location = {json.dumps(spec.location)}"]
    if spec.max_items != 200:
        lines.append(f"max_items = {spec.max_items}")
    if spec.retention_days is not None:
        lines.append(f"retention_days = {spec.retention_days}")
    if spec.refresh:
        lines.append(f"refresh = {json.dumps(spec.refresh)}")
    return "\n".join(lines) + "\n"
