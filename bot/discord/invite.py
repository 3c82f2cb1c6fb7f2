"""The invite link of the bot: the scopes and the smallest set of permissions it needs."""
from __future__ import annotations

import discord

# What the bot needs, and nothing more: read and answer in channels and its threads, embeds, replies.
PERMISSIONS = ("view_channel", "send_messages", "send_messages_in_threads", "embed_links",
               "read_message_history", "create_public_threads")
SCOPES = ("bot", "applications.commands")



def permissions_value() -> int:
    """The smallest permission integer the bot needs (see PERMISSIONS)."""
    return discord.Permissions(**{name: True for name in PERMISSIONS}).value


def invite_url(client_id: int) -> str:
    """The OAuth2 URL that adds the bot to a server with its commands and the permissions it needs."""
    return discord.utils.oauth_url(client_id, permissions=discord.Permissions(permissions_value()), scopes=SCOPES)
