"""The feedback table's columns as the adapter named them before votes were filed under a scope and a place
(commit 4af2729): a server's id and a channel's. The core's store renames them when it opens an older table
(`index.service.feedback.FeedbackStore(renamed=…)`), so that the core never names Discord's places itself."""

FEEDBACK_COLUMNS_BEFORE_SCOPES = {"guild_id": "scope", "channel_id": "place"}
