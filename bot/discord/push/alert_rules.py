"""Which source alerts to tell a server (pure): a new failing or stale episode of a source it sees, and the end
of an episode it was told about. The episodes reported are the adapter's state (bot/state/push.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from bot.state.push import alert_key
from index.types import Scope, SourceHealth


@dataclass(frozen=True)
class AlertNotice:
    """One thing to tell a server: a source `failing` or `stale` (a new episode), or `recovered`."""

    kind: str
    source: str  # alert_key(scope, name): "<scope>/<name>"
    episode: str
    health: SourceHealth | None  # None: the source is gone (its open episode is closed without a word)


def plan_alerts(health: Sequence[SourceHealth], open_reports: dict[str, str]) -> list[AlertNotice]:
    """What to tell a server, given the health of its sources and the episodes reported and not yet over."""
    current = {alert_key(Scope(h.scope), h.name): h for h in health}
    notices = [AlertNotice("recovered", key, episode, current.get(key)) for key, episode in open_reports.items()
               if key not in current or current[key].episode != episode]
    notices += [AlertNotice(h.state, key, h.episode, h) for key, h in current.items()
                if h.state != "ok" and open_reports.get(key) != h.episode]
    return notices
