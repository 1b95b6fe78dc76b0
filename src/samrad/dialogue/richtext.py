"""Rich text of agendas and minutes: a small set of HTML tags, nothing that runs.

Coordinators write simple HTML (paragraphs, lists, headings, emphasis, links) or plain text with blank lines
between paragraphs. `richtext_clean` keeps only the allowed tags and attributes (nh3, the Rust ammonia
sanitiser): <script> and <style> go with their content, event handlers (on*) and javascript: links are dropped.
The result is stored, and cleaned once more whenever it is shown (templatetags/dialogue_richtext.py).
"""

import re

import nh3
from django.utils.html import escape, linebreaks

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
_HTML_TAG = re.compile(r"</?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def richtext_clean(value: str) -> str:
    """Sanitised HTML from what a coordinator wrote. Text without any tag ("<3" is not one) becomes paragraphs."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _HTML_TAG.search(value):
        value = linebreaks(escape(value))
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()
