"""A service with shared sources and room for per-server ones, pages that servers add as sources, and what
an admin does in a server (add a source, re-index, ask)."""
from __future__ import annotations

import shutil
from pathlib import Path

from bot.discord.limits import Limits
from tests.support.discord_helpers import finished, text_of
from tests.support.fake_discord import MANAGE_GUILD, MEMBER_PERMISSIONS, FakeDiscord
from tests.support.http_server import LocalServer, body
from tests.support.paths import SEEDS

ADMIN = MEMBER_PERMISSIONS | MANAGE_GUILD
SEED_TITLE = "After call with Trump, Putin agrees to pause attacks on Ukraine’s energy and infrastructure targets"
MANY = Limits(per_user=1000, progress_interval=0.0)  # these tests ask more than 5 questions a minute
CHESS = ("Riverside chess club moves its weekly meetings to the old library",
         "The Riverside chess club will meet every Thursday evening in the reading room of the old library, "
         "the club's treasurer Ingrid Vasquez said, after the community hall closed for repairs. "
         "The club has forty members and runs a junior tournament each spring.")
ROWING = ("Harbour rowing team wins the autumn regatta by two lengths",
          "The Harbour rowing team won the autumn regatta on the estuary by two lengths, its coach Tomas Brennan "
          "said, after a season of early morning training on the canal. The crew of eight beat eleven boats.")
BAKERY = ("Corner bakery on Mill Street starts selling rye bread again",
          "The corner bakery on Mill Street started baking its dark rye bread again after its old oven was repaired, "
          "the owner Mirela Stan said. Queues formed before seven in the morning on the first day.")


def page(title: str, text: str) -> str:
    """A plain-text article page, shaped like the seed articles."""
    return f"{title}\nBy Sam Ortiz, Local Gazette\nPublished 2025-03-21\n\n{text}\n"


def pages_server() -> LocalServer:
    """An HTTP server on 127.0.0.1 with one article page per topic: /chess, /rowing, /bakery."""
    return LocalServer({f"/{key}": body(page(*article), "text/plain")
                        for key, article in (("chess", CHESS), ("rowing", ROWING), ("bakery", BAKERY))})


def scoped_settings(home: Path):
    """Settings of a fresh home whose shared sources are the seed articles; private URLs allowed (the
    pages are served on 127.0.0.1)."""
    from index.settings import Settings

    articles = home / "articles"
    articles.mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, articles / seed.name)
    sources = home / "sources.toml"
    sources.write_text('[[source]]\nname = "news"\nkind = "folder"\nlocation = "articles"\n')
    return Settings(home=home, sources_file=sources, openai_api_key=None, openai_base_url="", chroma_host="",
                    allow_private_urls=True)


async def admin(fake: FakeDiscord, name: str, options: dict | None, channel: str, sub: str | None = None,
                user: str = "alice"):
    """Run the slash command `name` (and `sub`) in `channel` as a member who may manage the server."""
    return await fake.slash(name, options, sub=sub, permissions=ADMIN, channel_id=channel, user=user)


async def add_and_index(fake: FakeDiscord, web, additions: list[tuple[str, str, str]]) -> dict[str, str]:
    """Admins add (channel, path, name) sources, then each server re-indexes; returns channel -> report."""
    for channel, path, name in additions:
        inter = await admin(fake, "source", {"location": web.url(path), "name": name}, channel, sub="add")
        await fake.wait_for(lambda: inter.followups)
        assert inter.followups[0]["content"].startswith(f"Added source **{name}**"), inter.followups
    reports = {}
    for channel in dict.fromkeys(c for c, _, _ in additions):
        run = await admin(fake, "reindex", None, channel)
        await fake.wait_for(lambda: run.edits and "finished" in run.edits[-1]["content"])
        reports[channel] = run.edits[-1]["content"]
    return reports


async def ask(fake: FakeDiscord, question: str, channel: str) -> str:
    """Ask in `channel`; what the answer says."""
    inter = await fake.slash("ask", {"question": question}, channel_id=channel)
    await finished(fake, inter)
    return text_of(inter.followups[0])
