"""What a server's alert channel is told (bot/discord/push/alerts.py): each spell once, its end once."""
from __future__ import annotations

from bot.discord.push.alerts import alert_text, plan_alerts
from index.types import SourceHealth


def _health(name: str, state: str = "ok", episode: str = "", scope: str = "g1", **more) -> SourceHealth:
    return SourceHealth(name, scope, state, episode, **more)


def test_a_new_spell_is_told_once_and_its_end_once():
    failing = _health("wire", "failing", "failing@t1", last_error="http://x/feed: HTTP 403", last_error_kind="HTTP 403",
                      last_success="2026-03-01T08:00:00+00:00")
    [notice] = plan_alerts([failing, _health("local", scope="shared")], {})
    assert (notice.kind, notice.source, notice.episode) == ("failing", "g1/wire", "failing@t1")
    assert plan_alerts([failing], {"g1/wire": "failing@t1"}) == []  # already told
    [over] = plan_alerts([_health("wire")], {"g1/wire": "failing@t1"})
    assert (over.kind, over.episode) == ("recovered", "failing@t1")
    # A failure that turns into silence: the failure is over, the silence is news.
    stale = _health("wire", "stale", "stale@t2", usual_interval_seconds=3600.0)
    assert [(n.kind, n.episode) for n in plan_alerts([stale], {"g1/wire": "failing@t1"})] == [
        ("recovered", "failing@t1"), ("stale", "stale@t2")]
    [gone] = plan_alerts([], {"g1/wire": "failing@t1"})  # a removed source: its spell is closed
    assert gone.health is None


def test_alert_texts_name_the_source_and_the_error_without_previews_or_markdown():
    failing = _health("*wire*", "failing", "failing@t1", last_error="http://x.org/feed: HTTP 403",
                      last_error_kind="HTTP 403", last_success="2026-03-01T08:00:00+00:00")
    [notice] = plan_alerts([failing], {})
    text = alert_text(notice)
    # the kind is in the error already: said once, not "failing (HTTP 403): …: HTTP 403"
    assert text.startswith("⚠️ The source **\\*wire\\*** is failing: <http://x.org/feed>: HTTP 403.")
    assert "Last success <t:1772352000:R>." in text
    stale = plan_alerts([_health("wire", "stale", "stale@t", scope="shared", usual_interval_seconds=7200.0)], {})[0]
    assert "shared source **wire** has had no new article" in alert_text(stale) and "one every 2.0 hours" in alert_text(stale)
