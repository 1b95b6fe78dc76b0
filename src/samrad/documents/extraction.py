"""Reading the text out of stored documents, page by page.

`extract_pages(kind, stream)` yields the pages of a file one by one, each with its number (and, for
spreadsheets, the sheet's name); pages without text are yielded too (empty), so that a caller can count every
page it read. What a "page" is depends on the format:

- PDF (pypdf): the PDF's pages.
- Word (python-docx): the pages as Word last laid them out (its `lastRenderedPageBreak` marks) when the file
  has them, else the explicit page breaks; a file without either is one page.
- OpenDocument text (odfpy): the pages as LibreOffice laid them out (`text:soft-page-break`).
- Excel (openpyxl): one page per sheet, the sheet's name as label.
- Plain text: parts between form feeds.

This module is plain Python (no Django, no database): it runs inside the child process of
`samrad.documents.sandbox`, under the limits that `samrad.documents.limits` sets. A file the readers cannot
read raises `Unreadable` with a code; the parent turns the code into a message for people.
"""

import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

# Spreadsheets: rows read per sheet at most.
MAX_SHEET_ROWS = 200_000
# Plain text: the most bytes read from a file.
MAX_TXT_BYTES = 100_000_000


class PageLimit(Exception):
    """The file has more pages than the caller asked for; raised before the next page is read."""


class Unreadable(Exception):
    """The file cannot be read as its type. `code` is one of ENCRYPTED, DAMAGED, UNSUPPORTED."""

    ENCRYPTED = "encrypted"
    DAMAGED = "damaged"
    UNSUPPORTED = "unsupported"

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    label: str = ""


def clean_text(text: str) -> str:
    """Composed Unicode (a PDF may spell å as a + ring), no NUL or stray control characters, no trailing space
    on lines, no runs of blank lines."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c if c in "\n\t" or unicodedata.category(c)[0] != "C" else " " for c in text)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


class _Pages:
    """Collects text into numbered pages."""

    def __init__(self) -> None:
        self.number = 1
        self.parts: dict[int, list[str]] = {1: []}
        self.labels: dict[int, str] = {}

    def write(self, text: str) -> None:
        self.parts.setdefault(self.number, []).append(text)

    def new_page(self, label: str = "") -> None:
        self.number += 1
        self.parts.setdefault(self.number, [])
        if label:
            self.labels[self.number] = label

    def result(self, max_pages: int) -> Iterator[PageText]:
        for number, parts in sorted(self.parts.items()):
            if number > max_pages:
                raise PageLimit
            yield PageText(number=number, text=clean_text("".join(parts)), label=self.labels.get(number, ""))


def _pdf(stream: BinaryIO, max_pages: int) -> Iterator[PageText]:
    from pypdf import PdfReader

    reader = PdfReader(stream, strict=False)
    if reader.is_encrypted:
        raise Unreadable(Unreadable.ENCRYPTED)
    for number, page in enumerate(reader.pages, start=1):
        if number > max_pages:
            raise PageLimit
        yield PageText(number=number, text=clean_text(page.extract_text() or ""))


def _docx(stream: BinaryIO, max_pages: int) -> Iterator[PageText]:
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(stream).element.body
    para, text, tab, br, cr = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
    rendered_break, break_before, break_type = qn("w:lastRenderedPageBreak"), qn("w:pageBreakBefore"), qn("w:type")
    # Word's own layout when it saved the file, if it did; else the page breaks the author put in.
    use_rendered = next(body.iter(rendered_break), None) is not None
    pages = _Pages()
    for paragraph in body.iter(para):
        properties = paragraph.pPr
        if not use_rendered and properties is not None and properties.find(break_before) is not None:
            pages.new_page()
        for element in paragraph.iter(text, tab, br, cr, rendered_break):
            tag = element.tag
            if tag == text:
                pages.write(element.text or "")
            elif tag == tab:
                pages.write("\t")
            elif tag == rendered_break:
                if use_rendered:
                    pages.new_page()
            elif tag == br and element.get(break_type) == "page":
                if not use_rendered:
                    pages.new_page()
            else:
                pages.write("\n")
        pages.write("\n")
    yield from pages.result(max_pages)


def _odt(stream: BinaryIO, max_pages: int) -> Iterator[PageText]:
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    document = load(stream)
    pages = _Pages()
    soft_break, space, tab, line_break = (
        (TEXTNS, "soft-page-break"),
        (TEXTNS, "s"),
        (TEXTNS, "tab"),
        (TEXTNS, "line-break"),
    )
    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    skipped = {(TEXTNS, "tracked-changes"), (TEXTNS, "sequence-decls"), (TEXTNS, "variable-decls")}

    def walk(node: Any) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                pages.write(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            name = child.qname
            if name == soft_break:
                pages.new_page()
            elif name == space:
                pages.write(" " * int(child.attributes.get((TEXTNS, "c"), "1") or 1))
            elif name == tab:
                pages.write("\t")
            elif name == line_break:
                pages.write("\n")
            elif name not in skipped:
                walk(child)
                if name in blocks:
                    pages.write("\n")

    walk(document.text)
    yield from pages.result(max_pages)


def _xlsx(stream: BinaryIO, max_pages: int) -> Iterator[PageText]:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        for number, sheet in enumerate(workbook.worksheets, start=1):
            if number > max_pages:
                raise PageLimit
            lines = []
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= MAX_SHEET_ROWS:
                    break
                cells = [str(value) for value in row if value is not None and str(value).strip()]
                if cells:
                    lines.append("\t".join(cells))
            yield PageText(number=number, text=clean_text("\n".join(lines)), label=str(sheet.title)[:200])
    finally:
        workbook.close()


def _txt(stream: BinaryIO, max_pages: int) -> Iterator[PageText]:
    text = stream.read(MAX_TXT_BYTES).decode("utf-8-sig", errors="replace")
    for number, part in enumerate(text.split("\f"), start=1):
        if number > max_pages:
            raise PageLimit
        yield PageText(number=number, text=clean_text(part))


EXTRACTORS: dict[str, Callable[[BinaryIO, int], Iterator[PageText]]] = {
    "pdf": _pdf,
    "docx": _docx,
    "odt": _odt,
    "xlsx": _xlsx,
    "txt": _txt,
}

# What each reader imports: the sandbox imports it before it limits its own memory.
READER_MODULES = {"pdf": "pypdf", "docx": "docx", "odt": "odf.opendocument", "xlsx": "openpyxl", "txt": "codecs"}


def extract_pages(kind: str, stream: BinaryIO, *, max_pages: int = 1_000_000) -> Iterator[PageText]:
    """The pages of the file in `stream`, one at a time and in order, including pages without text (their text
    is empty). Raises PageLimit instead of reading page `max_pages + 1`, Unreadable when the file cannot be read
    as its type; any other exception is a reader's failure on a damaged or unusual file."""
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        raise Unreadable(Unreadable.UNSUPPORTED)
    try:
        yield from extractor(stream, max_pages)
    except zipfile.BadZipFile as exc:
        raise Unreadable(Unreadable.DAMAGED) from exc
