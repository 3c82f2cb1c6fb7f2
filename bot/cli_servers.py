"""CLI commands for running the bot in many servers: `forget-server`, `invite`, `feedback --by`."""
from __future__ import annotations

import argparse
import base64
import binascii
from dataclasses import asdict, replace

from index.errors import BadInput
from index.settings import Settings

def add_parsers(commands) -> None:
    """Add `forget-server` and `invite` to the CLI's subcommands."""
    forget = commands.add_parser("forget-server", help="delete one Discord server's sources, index and settings")
    forget.add_argument("server_id", type=int, help="the server (guild) id")
    invite = commands.add_parser("invite", help="print the URL that invites the bot to a server")
    invite.add_argument("--client-id", type=int, help="the application id (default: read from DISCORD_TOKEN)")


def client_id_from_token(token: str) -> int:
    """The application id a bot token starts with (its first part is the bot user's id in base64)."""
    first = token.strip().split(".")[0]
    try:
        return int(base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadInput("cannot read the application id from DISCORD_TOKEN; pass --client-id "
                       "(developer portal → General Information → Application ID)") from None


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print the invite URL."""
    from bot.discord.invite import invite_url

    client_id = args.client_id
    if client_id is None:
        token = settings.discord_token
        if token is None or not token.get_secret_value().strip():
            raise BadInput("pass --client-id, or set DISCORD_TOKEN to read it from the token")
        client_id = client_id_from_token(token.get_secret_value())
    print(invite_url(client_id))
    return 0


def cmd_forget_server(args: argparse.Namespace, settings: Settings) -> int:
    """Forget one server: its sources config, their chunks and docstores, and what the bot keeps of it."""
    from bot.discord.guilds import forget_server
    from bot.state import open_state
    from index.app import build_service, build_state_database

    dropped = forget_server(build_service(settings), open_state(build_state_database(settings)), args.server_id)
    print(f"forgot server {args.server_id}: " + (f"sources {', '.join(dropped)} removed" if dropped
                                                   else "it had no sources of its own") + "; its settings removed")
    return 0


def feedback_by(store, by: str, as_json: bool) -> str:
    """Votes per source or per server, as text or JSON. The store sums votes per scope they were given in; a
    server's scope is shown as the server's id, the shared one (a DM) as "direct messages"."""
    from bot.output import to_json, vote_server

    tallies = store.tally("scope" if by == "server" else by)
    if by == "server":
        tallies = [replace(t, key=vote_server(t.key) or "direct messages") for t in tallies]
    if as_json:
        return to_json([asdict(t) for t in tallies])
    if not tallies:
        return "No feedback yet."
    width = max(len(t.key) for t in tallies)
    header = f"{by.upper():<{width}}  👍   👎"
    return "\n".join([header] + [f"{t.key:<{width}}  {t.up:>3}  {t.down:>3}" for t in tallies])


COMMANDS = {"forget-server": cmd_forget_server, "invite": cmd_invite}
