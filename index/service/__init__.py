"""The facade the adapters (CLI, Discord) call, and what it keeps besides the store.

- `facade`: `NewsService`, which implements `index.port.NewsPort` over explicit collaborators (questions
  here; index runs, sources and scopes in `index/indexing/`).
- `feedback`: 👍/👎 on answers (`index.port.FeedbackPort`), built by `index.app`.

What an adapter keeps of its own (its places, posts, schedules) is the adapter's: bot/state/.
"""
