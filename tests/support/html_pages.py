"""HTML article pages, shaped like a news site's, for the readers served on 127.0.0.1."""
from __future__ import annotations

PARAGRAPH = "The city council approved the new budget on Monday after a long debate about transit funding. " * 4


def page(title: str, text: str = PARAGRAPH, author: str = "Ann Lee", date: str = "2025-03-01") -> str:
    """An article page with its title, author, date and site name in the usual meta tags."""
    return (f"<html><head><title>{title}</title><meta name='author' content='{author}'>"
            f"<meta property='article:published_time' content='{date}'>"
            f"<meta property='og:site_name' content='Daily Local'></head>"
            f"<body><nav>Home | World</nav><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article>"
            f"<footer>Copyright</footer></body></html>")
