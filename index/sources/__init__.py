"""Reading sources: what is configured, how it is fetched, and the articles it holds.

- `sources_config`: `sources.toml` (read, add, remove); `scopes`: which sources each Discord server sees.
- `readers`: folders, URLs, RSS/Atom feeds and JSON-lines into `Article`s; `articles`: parsing files.
- `fetch`, `polite`, `fetch_state`: bounded, polite HTTP with conditional GET, and what is remembered.
- `archive`, `stream_read`: feeds and URLs kept as archives (a failed fetch never deletes).
- `item_guard`: the error boundary around each item read; `source_probe`: feed or page?;
  `source_dates`: newest and oldest article per source.
"""
