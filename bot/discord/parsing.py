"""Pure parsing for the Discord adapter: the `since:` option, mention stripping, admin role ids."""
from __future__ import annotations

import re
from datetime import date, timedelta

from index.errors import BadInput

_RELATIVE = re.compile(r"^\s*(\d{1,12})\s*(d|day|days|w|week|weeks|m|month|months|y|year|years)\s*$", re.I)
_DAYS_PER_UNIT = {"d": 1, "w": 7, "m": 30, "y": 365}
_MENTION = re.compile(r"<@!?(\d+)>")


def parse_since(text: str | None, today: date, label: str = "since:") -> date | None:
    """Turn `3d`, `2w`, `1m`, `yesterday`, `today` or `2025-03-01` into a date; None for an empty value.

    The one reader of a `since` value: Discord's `since:` and the CLI's `--since` (label `"--since "`)."""
    if text is None or not text.strip():
        return None
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        return today - timedelta(days=value == "yesterday")
    if m := _RELATIVE.match(value):
        try:
            return today - timedelta(days=int(m.group(1)) * _DAYS_PER_UNIT[m.group(2)[0]])
        except OverflowError:
            raise BadInput(f"{label}{text.strip()} is too far back; give a date like 2025-03-01 "
                           "or fewer days.", phrase="since_too_far", value=text.strip()) from None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"I can't read {label}{text.strip()!r}; use e.g. 3d, 2w, 1m or 2025-03-01.",
                       phrase="since_unreadable", value=text.strip()) from None
    if parsed > today:
        raise BadInput(f"{label}{text.strip()} is in the future.", phrase="since_future", value=text.strip())
    return parsed


def strip_mentions(content: str, user_id: int) -> str:
    """The question in a message once the mentions of the bot (`<@id>`, `<@!id>`) are removed."""
    stripped = _MENTION.sub(lambda m: "" if int(m.group(1)) == user_id else m.group(0), content)
    return " ".join(stripped.split())


def parse_id_list(text: str | None) -> list[int]:
    """Comma-separated ids (as in NEWSBOT_ADMIN_ROLE_IDS / NEWSBOT_GUILD_IDS) into ints."""
    if not text:
        return []
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise BadInput(f"expected comma-separated numeric ids, got {text!r}") from None
