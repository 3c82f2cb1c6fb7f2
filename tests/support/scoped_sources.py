"""A service with shared sources and room for per-server ones, and pages that servers add as sources."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.http_server import LocalServer, body

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
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
