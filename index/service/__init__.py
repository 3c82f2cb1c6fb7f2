"""The facade the adapters (CLI, Discord) call, and what it keeps besides the store.

- `facade`: `NewsService`, which implements `index.port.NewsPort`.
- `reindex`: indexing runs, one at a time, with the lock and the lease.
- `scope_admin`: which sources each scope has; `feedback`: 👍/👎 on answers, in sqlite.
"""
