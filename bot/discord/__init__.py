"""The Discord adapter: the only package that imports discord.py.

- `app`: `NewsBot`, the client, built with a frozen `Deps` bundle (`deps`) that the cogs receive.
- one module per cog: `ask` (/ask, /summary, /sources), `admin` (/reindex, /source), `channels`,
  `mentions` (questions in messages), `guilds` (joining and leaving servers), `lifecycle` (clean stop).
- `views` (buttons), `answers` (posting), `render` and `text` (pure rendering and escaping),
  `errors` (the one place errors become what a user sees), `limits`, `access`, `rules`, `parsing`,
  `conversations`. Feedback and server settings come from the composition root (`index.app`).
"""
