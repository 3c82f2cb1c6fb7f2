"""`newsbot sources` shows each source's health: its last success and its last error with the error's kind."""
from __future__ import annotations

from bot.output import sources_text
from index.types import SourceStatus


def test_sources_text_shows_last_success_and_last_error_with_its_kind():
    failing = SourceStatus("wire", "feed", "https://example.org/feed", 3, 9, "2026-03-01T08:00:00+00:00",
                           last_error="https://example.org/feed: HTTP 403", last_success="2026-03-01T08:00:00+00:00",
                           last_error_kind="HTTP 403", last_error_at="2026-03-02T08:00:00+00:00", health="failing")
    fine = SourceStatus("local", "folder", "articles", 1, 2, "2026-03-02T08:00:00+00:00",
                        last_success="2026-03-02T08:00:00+00:00")
    never = SourceStatus("new", "feed", "https://example.org/new", 0, 0)
    text = sources_text([failing, fine, never])
    assert ("wire: failing; last success 2026-03-01T08:00:00+00:00; last error (HTTP 403, "
            "2026-03-02T08:00:00+00:00): https://example.org/feed: HTTP 403") in text
    assert "local: ok; last success 2026-03-02T08:00:00+00:00" in text
    assert "new: ok" not in text  # nothing to tell about a source never read
