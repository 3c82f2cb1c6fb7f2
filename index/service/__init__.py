"""The facade the adapters (CLI, Discord) call, and what it keeps besides the store.

- `facade`: `NewsService`, which implements `index.port.NewsPort` over explicit collaborators (questions
  here; index runs, sources and scopes in `index/indexing/`).
- `feedback`: 👍/👎 on answers (`index.port.FeedbackPort`); `guild_settings`: what each Discord server
  chose (`index.port.GuildSettingsPort`). Both in sqlite, built by `index.app`.
"""
