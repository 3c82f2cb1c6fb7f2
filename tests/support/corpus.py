"""Folders of plain-text articles written for indexing tests: a corpus in editions, and single articles."""
from __future__ import annotations

from pathlib import Path

ARTICLES = 48
SENTENCES = ("The {topic} council of district {n} met on a {day} to discuss edition {edition} of its plan. "
             "Members of the {topic} council said the plan for district {n} would change the water supply. "
             "A spokesperson for district {n} said the {topic} budget in edition {edition} was approved. "
             "Residents asked the council of district {n} about {topic} schools, roads and parks. ")
BODY = ("This article about {topic} has a body long enough to be indexed, with several sentences. "
        "It says that the {topic} committee met on Tuesday and agreed on a plan. ") * 3


def write_corpus(folder: Path, edition: int, count: int = ARTICLES) -> None:
    """Replace the folder's articles with `count` district articles whose text names the `edition`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.txt"):
        path.unlink()
    for n in range(count):
        topic = ("harbour", "railway", "library", "orchard")[n % 4]
        body = "".join(SENTENCES.format(topic=topic, n=n, day=d, edition=edition) for d in ("Monday", "Friday"))
        (folder / f"article-{n:03d}.txt").write_text(f"District {n} {topic} plan\n\n{body}", encoding="utf-8")


def write_article(folder: Path, name: str, title: str, topic: str) -> None:
    """Write one article about `topic` (its body long enough to be indexed) as `folder/name`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"{title}\n\n{BODY.format(topic=topic)}", encoding="utf-8")
