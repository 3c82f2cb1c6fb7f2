"""The adapters: `cli` (the `newsbot` command) and `discord/` (the bot). Both call the core through
`index.port.NewsPort` and never reach into it."""
