"""Every page a person can reach by following links: a crawl with Django's test client, for tests that must look
at all pages (English words in the Swedish interface, reflow at 320 px in the browser tests).

    pages = crawl(client, start=["/", "/sok/?q=samverkan"])

Follows the `<a href>` links of each HTML page on the same site (GET only: no form is sent, nothing is changed)
and keeps at most `per_shape` pages of each shape (the path with its numbers replaced, and the names of its query
parameters), so that 27 municipalities' pages cost two visits, not 27. Downloads (CSV, PDF, calendar files) are
recorded but not read; the admin, the API, the language switch and uploaded files are left out.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlsplit

SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/media/", "/favicon.ico")
NUMBER = re.compile(r"\d+")


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    html: str  # "" for anything but HTML

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def shape(url: str) -> str:
    """What pages of one kind share: "/remisser/12/svar/34/" and "/remisser/13/svar/7/" are one shape."""
    parts = urlsplit(url)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return NUMBER.sub("#", parts.path) + ("?" + "&".join(names) if names else "")


def _local(href: str, base: str) -> str | None:
    """The site-relative URL of a link, or None for links elsewhere (other sites, mailto:, fragments)."""
    href = urldefrag(href)[0]
    if not href:
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path.startswith("/"):
        base_path = urlsplit(base).path
        href = base_path.rsplit("/", 1)[0] + "/" + href
    return href


def crawl(client: Any, start: Iterable[str] = ("/",), *, per_shape: int = 2, limit: int = 400) -> list[Page]:
    """Visit `start` and every page reachable from it by links. Redirects are followed (the page reached is the
    one recorded). Stops after `limit` pages."""
    queue = list(start)
    seen: set[str] = set(queue)
    shapes: dict[str, int] = {}
    pages: list[Page] = []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url, follow=True)
        final = response.request["PATH_INFO"]
        query = response.request.get("QUERY_STRING", "")
        final_url = final + ("?" + query if query else "")
        content_type = response.get("Content-Type", "")
        is_html = content_type.startswith("text/html") and not getattr(response, "streaming", False)
        html = response.content.decode() if is_html else ""
        pages.append(
            Page(
                url=final_url if response.redirect_chain else url,
                status=response.status_code,
                content_type=content_type,
                html=html,
            )
        )
        for href in links(html):
            target = _local(href, url)
            if target is None or target in seen or target.startswith(SKIPPED_PREFIXES):
                continue
            seen.add(target)
            kind = shape(target)
            if shapes.get(kind, 0) >= per_shape:
                continue
            shapes[kind] = shapes.get(kind, 0) + 1
            queue.append(target)
    return pages
