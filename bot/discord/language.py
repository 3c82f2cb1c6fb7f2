"""/language: a server's admins choose the language of its digests and summaries (default: English).

Questions are answered in the language they are asked in; a question whose language cannot be told (too
short, emoji, another script) is answered in the server's language. Offline, digests and summaries quote
the articles as written, with a note in the server's language naming the quotes' language; with a model
they are written in the server's language (index/answering/phrases.py)."""
from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.discord.admin import NotAdmin, is_admin
from bot.discord.deps import DepsCog
from bot.discord.errors import NO_MENTIONS
from index.port import DEFAULT_LANGUAGE, LANGUAGE_NAMES

CHOICES = [app_commands.Choice(name=f"{name} ({code})", value=code) for code, name in LANGUAGE_NAMES.items()]


def described(language: str | None) -> str:
    """How the server's language is shown: its own name and code."""
    code = language or DEFAULT_LANGUAGE
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})" + ("" if language else ", the default")


class LanguageCommands(DepsCog):
    """/language: show or set the server's language (setting it is for admins); the reply is in that language."""

    @app_commands.command(name="language", description="The language of this server's digests and summaries")
    @app_commands.describe(language="Set it (admins only); leave empty to see it")
    @app_commands.choices(language=CHOICES)
    @app_commands.guild_only()
    async def language(self, interaction: discord.Interaction,
                       language: app_commands.Choice[str] | None = None) -> None:
        """Show the server's language, or set it when an admin gives one."""
        assert interaction.guild_id is not None
        servers = self.deps.state.servers
        if language is not None:
            roles = [r.id for r in getattr(interaction.user, "roles", [])]
            if not is_admin(interaction.permissions, roles, self.deps.admin_role_ids):
                raise NotAdmin("Only server admins (Manage Server permission or an admin role) can set the language.")
            await asyncio.to_thread(servers.set_language, interaction.guild_id, language.value)
        current = await asyncio.to_thread(servers.language, interaction.guild_id)
        reply = self.deps.service.phrases(current)["server_language"].format(language=described(current))
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)
