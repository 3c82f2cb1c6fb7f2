"""Admin commands: /reindex with progress edits, /source add and /source remove (with confirmation).

Admin = a member with Manage Server (or Administrator), or one of the configured admin role ids, of the
server the command is run in; they manage that server's own sources (`index.types.Scope`) and nothing else.
The shared sources change only from the CLI and the config file; /reindex refreshes them only for the
bot's operators (NEWSBOT_OPERATOR_IDS). The commands are registered with `default_permissions`
(Manage Server), so plain members do not see them, and the bot checks for itself all the same.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Awaitable, Callable, Iterable, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.access import own_scope
from bot.discord.errors import NO_MENTIONS, PhrasedCheckFailure
from bot.discord.views import ConfirmView
from bot.discord.render import clip, progress_text, report_text
from index.errors import BadInput, IndexBusy
from index.types import Scope
from bot.discord.deps import Deps, DepsCog, deps_of

T = TypeVar("T")
log = logging.getLogger("newsbot.discord")


class NotAdmin(PhrasedCheckFailure):
    """The user may not administer the bot (said to them in their language: the `admins_only` phrase)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, phrase="admins_only")


def is_admin(permissions: discord.Permissions, role_ids: Iterable[int], admin_role_ids: Iterable[int]) -> bool:
    """Manage Server, Administrator, or one of the admin roles."""
    return permissions.manage_guild or permissions.administrator or bool(set(role_ids) & set(admin_role_ids))


def admin_only() -> Callable[[T], T]:
    """An app-command check that lets only admins through."""
    async def predicate(interaction: discord.Interaction) -> bool:
        roles = [r.id for r in getattr(interaction.user, "roles", [])]
        if is_admin(interaction.permissions, roles, deps_of(interaction.client).admin_role_ids):
            return True
        raise NotAdmin("Only server admins (Manage Server permission or an admin role) can do that.")
    return app_commands.check(predicate)


class ProgressEdits:
    """Shows progress reported from a worker thread by editing a message, at most once per interval."""

    def __init__(self, edit: Callable[[str], Awaitable[object]], interval: float) -> None:
        self._edit = edit
        self._interval = interval
        self._latest: tuple[int, int] | None = None
        self._shown: tuple[int, int] | None = None
        self._changed = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    def report(self, done: int, total: int) -> None:
        """Progress callback for the core; safe to call from any thread."""
        self._latest = (done, total)
        self._loop.call_soon_threadsafe(self._changed.set)

    async def _show_latest(self) -> None:
        latest = self._latest
        if latest is not None and latest != self._shown:
            self._shown = latest
            try:
                await self._edit(progress_text(*latest))
            except discord.HTTPException:  # a missed progress edit is not worth failing the re-index
                log.warning("could not show re-index progress", exc_info=True)

    async def _pump(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            await self._show_latest()
            await asyncio.sleep(self._interval)

    async def run(self, work: Callable[[Callable[[int, int], None]], T]) -> T:
        """Run `work(progress_callback)` in a thread while editing the message; show the final count."""
        pump = asyncio.create_task(self._pump())
        try:
            result = await asyncio.to_thread(work, self.report)
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        await self._show_latest()
        return result


class AdminCommands(DepsCog):
    """/reindex and /source: admin-only, guild-only."""

    source = app_commands.Group(name="source", description="Add or remove this server's news sources (admins only)",
                                guild_only=True, default_permissions=discord.Permissions(manage_guild=True))

    def __init__(self, bot: commands.Bot, deps: Deps) -> None:
        super().__init__(bot, deps)
        self._reindexing = asyncio.Lock()

    def _reindex_plan(self, interaction: discord.Interaction, source: str | None) -> dict:
        """The arguments of `service.index` for this /reindex; BadInput when the source is not this server's."""
        operator = self.deps.access.is_operator(interaction.user.id)
        if source:
            scopes = [own_scope(interaction)] + ([Scope.SHARED] if operator else [])
            found = self.deps.service.find_source(source, scopes)
            if found is None:
                raise BadInput(f"There is no source named {clip(source, 100)!r} in this server; see /sources.")
            return {"source": found[1], "scopes": [found[0]]}
        if not operator and not self.deps.service.sources([own_scope(interaction)]):
            raise BadInput("This server has no sources of its own to re-index; add one with /source add. "
                           "The shared sources are re-indexed by the bot's operator.")
        return {"scopes": [own_scope(interaction)] + ([Scope.SHARED] if operator else [])}

    @app_commands.command(name="reindex", description="Re-index this server's sources, or one (admins only)")
    @app_commands.describe(source="Only this source (default: all of this server's)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @admin_only()
    async def reindex(self, interaction: discord.Interaction, source: str | None = None) -> None:
        """Re-index, editing the reply with progress, then a summary of what changed."""
        if self._reindexing.locked():
            raise IndexBusy("A re-index is already running; please wait for it to finish.")
        async with self._reindexing:
            await interaction.response.defer(thinking=True)
            plan = await asyncio.to_thread(self._reindex_plan, interaction, source)
            started = asyncio.get_running_loop().time()
            await interaction.edit_original_response(content="Re-indexing: starting…", allowed_mentions=NO_MENTIONS)

            async def edit(text: str) -> None:
                await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)

            progress = ProgressEdits(edit, self.deps.limits.progress_interval)
            report = await progress.run(lambda cb: self.deps.service.index(progress=cb, **plan))
            await final_report(interaction, report_text(report, source), started, self.deps.limits.token_seconds)

    @source.command(name="add", description="Add a news source: a feed, a page URL or a folder (admins only)")
    @app_commands.describe(location="Feed URL, article URL or folder", name="A short name for the source")
    @admin_only()
    async def source_add(self, interaction: discord.Interaction, location: str, name: str | None = None) -> None:
        """Add a source to the configuration (it is indexed by the next /reindex)."""
        await interaction.response.defer(thinking=True, ephemeral=True)
        added = await asyncio.to_thread(self.deps.service.add_source, location, name, own_scope(interaction))
        await interaction.followup.send(f"Added source **{clip(added, 100)}**. Run `/reindex source:{added}` "
                                        "to index it.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    @source.command(name="remove", description="Remove a news source and its articles (admins only)")
    @app_commands.describe(name="The source to remove")
    @admin_only()
    async def source_remove(self, interaction: discord.Interaction, name: str) -> None:
        """Remove a source after the admin confirms with a button."""
        scope = own_scope(interaction)
        if name not in {s.name for s in await asyncio.to_thread(self.deps.service.sources, [scope])}:
            raise BadInput(f"There is no source named {clip(name, 100)!r} in this server; see /sources.")
        view = ConfirmView(interaction.user.id, f"Removing **{clip(name, 100)}**")
        await interaction.response.send_message(
            f"Remove the source **{clip(name, 100)}** and all its articles from the index?",
            view=view, ephemeral=True, allowed_mentions=NO_MENTIONS)
        await view.wait()
        if view.confirmed is None:
            await interaction.edit_original_response(content="No answer: nothing was removed.", view=None,
                                                     allowed_mentions=NO_MENTIONS)
        elif view.confirmed:
            await asyncio.to_thread(self.deps.service.remove_source, name, scope)
            await interaction.edit_original_response(content=f"Removed the source **{clip(name, 100)}**.",
                                                     view=None, allowed_mentions=NO_MENTIONS)

    @source_remove.autocomplete("name")
    @reindex.autocomplete("source")
    async def source_names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Names of the sources this admin manages (this server's; the shared ones too for /reindex by an
        operator) containing what the user typed."""
        try:
            if interaction.guild_id is None or not is_admin(interaction.permissions,
                                                            [r.id for r in getattr(interaction.user, "roles", [])],
                                                            self.deps.admin_role_ids):
                return []
            reindex = interaction.command is not None and interaction.command.name == "reindex"
            operator = reindex and self.deps.access.is_operator(interaction.user.id)
            scopes = [own_scope(interaction)] + ([Scope.SHARED] if operator else [])
            statuses = await asyncio.wait_for(asyncio.to_thread(self.deps.service.sources, scopes), 2.0)
            candidates = list(dict.fromkeys(s.name for s in statuses))
        except Exception:
            log.warning("autocomplete of sources failed", exc_info=True)
            return []
        names = [n for n in candidates if current.lower() in n.lower()]
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names[:25]]


async def final_report(interaction: discord.Interaction, text: str, started: float, token_seconds: float) -> None:
    """Show a finished re-index's report: by editing the reply while its interaction token is valid
    (15 minutes; `token_seconds` leaves a margin), else, or if that edit fails, as a new message."""
    if asyncio.get_running_loop().time() - started < token_seconds:
        try:
            await interaction.edit_original_response(content=text, allowed_mentions=NO_MENTIONS)
            return
        except discord.HTTPException:
            log.warning("could not edit the re-index reply; posting the report as a new message", exc_info=True)
    channel = interaction.channel
    if channel is None or not hasattr(channel, "send"):
        channel = await interaction.client.fetch_channel(interaction.channel_id)  # type: ignore[arg-type]
    await channel.send(text, allowed_mentions=NO_MENTIONS)  # type: ignore[union-attr]
