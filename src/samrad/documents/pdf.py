"""Rendering the platform's own documents as archival, accessible PDF (WeasyPrint).

`render_pdf(template, context, title=...)` renders a Django template to HTML and that to PDF/A-2a: archival
(PDF/A-2, fonts embedded, sRGB output intent, XMP metadata) and tagged for accessibility (the "a" level: a
structure tree from the HTML's headings, paragraphs, lists and tables, the document's language and title).
Templates extend `documents/pdf/base.html`, which sets the page, the type (Inter, served from the project's own
static files — never fetched) and a running footer.

Nothing is fetched over the network: WeasyPrint's URL fetcher only reads this project's static files.
"""

import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

PDF_VARIANT = "pdf/a-2a"
STATIC_SCHEME = "samrad-static:"


class PdfRenderError(Exception):
    """The document could not be rendered (a template or font problem: a bug, not a user's mistake)."""


def static_file_path(name: str) -> Path | None:
    """The file on disk behind a static name ("vendor/inter/files/inter-latin-400-normal.woff2")."""
    found = finders.find(name)
    if found:
        return Path(found if isinstance(found, str) else found[0])
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


def _fetch_static_only(url: str, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's URL fetcher: `samrad-static:<name>` reads a static file; anything else is refused, so a
    document never makes the server fetch a URL (text in answers is escaped anyway)."""
    if not url.startswith(STATIC_SCHEME):
        raise PdfRenderError(f"PDF rendering fetches nothing but static files, not {url[:80]!r}.")
    name = url.removeprefix(STATIC_SCHEME)
    path = static_file_path(name)
    if path is None:
        raise PdfRenderError(f"The static file {name!r} is missing (run npm ci / collectstatic).")
    from weasyprint.urls import URLFetcherResponse

    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def css_string(text: str) -> str:
    """`text` as the inside of a double-quoted CSS string (for generated content such as the running footer):
    CSS escapes, not JavaScript ones, and nothing that could end the style element."""
    escaped = []
    for character in " ".join(text.split()):
        if character in '\\"<>&' or ord(character) < 32:
            escaped.append(f"\\{ord(character):x} ")
        else:
            escaped.append(character)
    return "".join(escaped)


def render_pdf(template: str, context: dict[str, Any], *, title: str, language: str | None = None) -> bytes:
    """The template rendered as a tagged PDF/A-2a document titled `title`, in `language` (the active one by
    default). Deterministic apart from the creation time WeasyPrint records."""
    from weasyprint import HTML

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            template,
            {**context, "pdf_title": title, "pdf_title_css": css_string(title), "pdf_language": language},
        )
    document = HTML(string=html, url_fetcher=_fetch_static_only, base_url=STATIC_SCHEME)
    try:
        return bytes(document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=False))
    except PdfRenderError:
        raise
    except Exception as error:  # WeasyPrint's own errors have no common base class
        raise PdfRenderError(f"The PDF {title!r} could not be rendered: {error}") from error
