"""No English in the Swedish interface.

1. Every Swedish catalogue (`src/samrad/**/locale/sv/LC_MESSAGES/django.po`) is complete: no entry untranslated,
   none fuzzy (a fuzzy entry is left out of the compiled catalogue, so its English shows).
2. Every page the demo content reaches, for every demo role, rendered in Swedish: no English widget text
   (Django's "- Select an option -", "---------", "Currently"), no English month abbreviation ("4 Dec"), and
   none of the platform's own English source strings (a string that is not translated, or translated too early:
   `gettext` at import time instead of `gettext_lazy`).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from samrad.testing import po
from samrad.testing.crawl import Page, crawl

SOURCE = Path(__file__).resolve().parents[2]  # src/samrad
CATALOGUES = sorted(SOURCE.glob("**/locale/sv/LC_MESSAGES/django.po"))

# Texts Django or the browser-facing widgets bring in English when no Swedish is supplied.
ENGLISH_WIDGET_TEXTS = [
    "- Select an option -",
    "---------",
    "Currently:",
    "Currently",
    "Clear",
    "Change:",
    "not answered",
    "Forbidden",
    "Not Found",
    "Server Error",
    "Bad Request",
    "This field is required.",
    "Enter a valid",
]
ENGLISH_SHORT_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
# Source strings shorter than this are too often the same in both languages ("Register", "Status", "Logg").
MIN_SOURCE_LENGTH = 16
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
ROLES = {
    "anonymous": None,
    "respondent, drafting (Huddinge)": "erik.nystrom@huddinge.example",
    "respondent, submitted (Botkyrka)": "johan.ek@botkyrka.example",
    "coordinator (KSL)": "karin.lindqvist@ksl.example",
    "platform staff": "admin@samrad.example",
}
SEARCHES = ["/sok/?q=samverkan", "/sok/?q=regionbildning"]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(SOURCE)))
def test_every_swedish_catalogue_entry_is_translated_and_not_fuzzy(catalogue):
    problems = []
    for entry in po.read(catalogue):
        if entry.is_header or entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"{entry.where(catalogue)} fuzzy: {entry.msgid!r}")
        elif not entry.translated:
            problems.append(f"{entry.where(catalogue)} untranslated: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_the_catalogue_reader_sees_fuzzy_and_untranslated_entries():
    entries = po.parse(
        'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n'
        '#: a.py:1\nmsgid "Done"\nmsgstr "Klar"\n\n'
        '#: a.py:2\n#, fuzzy, python-format\nmsgid "%(n)s left"\nmsgstr "%(n)s kvar"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n\n'
        'msgctxt "verb"\nmsgid "Open"\nmsgid_plural "Opens"\nmsgstr[0] "Öppna"\nmsgstr[1] ""\n\n'
        '#~ msgid "Old"\n#~ msgstr ""\n'
    )
    header, done, fuzzy, two_lines, plural, old = entries
    assert header.is_header and done.translated and not done.fuzzy
    assert fuzzy.fuzzy and fuzzy.flags == {"fuzzy", "python-format"}
    assert two_lines.msgid == "Two lines" and not two_lines.translated
    assert plural.msgctxt == "verb" and plural.msgid_plural == "Opens" and not plural.translated
    assert old.obsolete


class _Text(HTMLParser):
    """The text a person meets on a page: text nodes and the attributes that are read out or shown."""

    ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(part.split()) for part in parser.parts if part.strip())


def english_source_strings() -> set[str]:
    """The platform's own English source strings (the longest literal piece of each) that Swedish changes."""
    strings = set()
    for catalogue in CATALOGUES:
        for entry in po.read(catalogue):
            if entry.is_header or entry.obsolete or not entry.translated:
                continue
            pieces = [" ".join(piece.split()) for piece in PLACEHOLDER.split(re.sub(r"<[^>]+>", "|", entry.msgid))]
            piece = max((p for chunk in pieces for p in chunk.split("|")), key=len, default="").strip()
            if len(piece) >= MIN_SOURCE_LENGTH and piece not in " ".join(entry.msgstr.values()):
                strings.add(piece)
    return strings


def english_on(page: Page, sources: set[str]) -> list[str]:
    text = visible_text(page.html)
    found = [
        f"widget text {english!r}"
        for english in ENGLISH_WIDGET_TEXTS
        if re.search(rf"(?<!\w){re.escape(english)}(?!\w)", text)
    ]
    found += [f"English date {match.group(0)!r}" for match in ENGLISH_SHORT_DATE.finditer(text)]
    found += [f"untranslated {source!r}" for source in sources if source in text]
    return found


@pytest.mark.django_db
def test_no_english_on_any_page_the_demo_reaches_in_swedish(settings):
    from samrad.accounts.models import User
    from samrad.core.demo import demo_load

    demo_load()
    sources = english_source_strings()
    assert len(sources) > 300  # the check compares against the real catalogues
    problems: list[str] = []
    visited = 0
    for role, email in ROLES.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        pages = crawl(client, ["/", *SEARCHES])
        if email == "karin.lindqvist@ksl.example":  # forms with their error messages
            for url in ("organisations:create", "coordination:create", "library:create", "dialogue:manage_create"):
                response = client.post(reverse(url), {})
                pages.append(
                    Page(reverse(url) + " (sent empty)", response.status_code, "text/html", response.content.decode())
                )
        for page in pages:
            if page.status >= 400:
                problems.append(f"{role}: {page.url} answered {page.status}")
            if page.is_html:
                visited += 1
                problems += [f"{role}: {page.url}: {finding}" for finding in english_on(page, sources)]
    assert visited > 150
    assert not problems, "\n".join(problems)
