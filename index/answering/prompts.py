"""Prompt templates as files in `prompts/`, with their variables checked when they are loaded."""
from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from index.errors import NewsbotError

# template name -> the variables it must use (no more, no fewer)
REQUIRED = {
    "system": set(),
    # today: the date the question is asked; language: the language to write in, named in English ("Spanish")
    "answer": {"language", "passages", "question", "today"},
    "summary": {"language", "passages", "target"},
    "reduce": {"language", "summaries", "target"},  # merges the partial summaries of a map-reduce summary
    "story": {"language", "passages", "target"},  # a digest's story in one or two sentences
    "rewrite": {"history", "question"},
    "translate": {"language", "text"},  # a checked answer into the asker's language, its markers kept
    "search": {"question"},  # a question in another language into English, for retrieval (issue 30)
    # the same for the local translator (index/llm/local_translator.py), a base model: made-up examples it continues
    "search_examples": {"question"},
}


@dataclass(frozen=True)
class Prompt:
    """A loaded template; `format` fills exactly its declared variables."""

    name: str
    template: str
    variables: frozenset[str]

    def format(self, **values: str) -> str:
        """Fill the template; values are inserted verbatim (braces inside them are not re-read)."""
        missing = self.variables - values.keys()
        if missing:
            raise NewsbotError(f"prompt {self.name!r} needs {', '.join(sorted(missing))}")
        return self.template.format(**{k: values[k] for k in self.variables})


def template_variables(template: str) -> set[str]:
    """The `{name}` fields a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def load_prompts(folder: Path) -> dict[str, Prompt]:
    """Load every required template from `folder`, failing fast on a missing file or a wrong variable."""
    prompts = {}
    for name, required in REQUIRED.items():
        path = folder / f"{name}.md"
        try:
            template = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise NewsbotError(f"prompt file {path} cannot be read: {exc.strerror}") from None
        found = template_variables(template)
        if found != required:
            raise NewsbotError(
                f"prompt {path} uses variables {sorted(found)}; expected {sorted(required)}"
            )
        prompts[name] = Prompt(name, template, frozenset(found))
    return prompts


def in_language(prompts: Mapping[str, Prompt], language: str) -> dict[str, Prompt]:
    """The prompts with `{language}` filled in (`language` named in English, "Spanish"): what they ask the
    model to write in."""
    return {name: Prompt(p.name, p.template.replace("{language}", language), p.variables - {"language"})
            if "language" in p.variables else p for name, p in prompts.items()}
