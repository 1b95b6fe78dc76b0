"""Reading the text out of stored documents, page by page.

`extract_pages(kind, stream)` returns the pages that have text, each with its number (and, for spreadsheets,
the sheet's name). What a "page" is depends on the format:

- PDF (pypdf): the PDF's pages.
- Word (python-docx): the pages as Word last laid them out (its `lastRenderedPageBreak` marks) when the file
  has them, else the explicit page breaks; a file without either is one page.
- OpenDocument text (odfpy): the pages as LibreOffice laid them out (`text:soft-page-break`).
- Excel (openpyxl): one page per sheet, the sheet's name as label.
- Plain text: parts between form feeds.

Nothing here touches the database; `services.stored_file_extract_text` records the result.
"""

import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from samrad.errors import ServiceError

# The most text kept from one file (characters); the rest is dropped and the result says so.
MAX_TEXT_CHARS = 20_000_000
# Spreadsheets: rows read per sheet at most.
MAX_SHEET_ROWS = 200_000


class ExtractionError(ServiceError):
    """The file cannot be read as its type; `message` says why in the user's language."""


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    label: str = ""


@dataclass(frozen=True)
class Extraction:
    pages: list[PageText]
    truncated: bool = False

    @property
    def has_text(self) -> bool:
        return bool(self.pages)


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

    def result(self) -> list[PageText]:
        pages = []
        for number, parts in sorted(self.parts.items()):
            text = clean_text("".join(parts))
            if text:
                pages.append(PageText(number=number, text=text, label=self.labels.get(number, "")))
        return pages


def _pdf(stream: BinaryIO) -> list[PageText]:
    from pypdf import PdfReader

    reader = PdfReader(stream, strict=False)
    if reader.is_encrypted:
        raise ExtractionError(_("The PDF is encrypted."))
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        text = clean_text(page.extract_text() or "")
        if text:
            pages.append(PageText(number=number, text=text))
    return pages


def _docx(stream: BinaryIO) -> list[PageText]:
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
    return pages.result()


def _odt(stream: BinaryIO) -> list[PageText]:
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
    return pages.result()


def _xlsx(stream: BinaryIO) -> list[PageText]:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    pages = []
    try:
        for number, sheet in enumerate(workbook.worksheets, start=1):
            lines = []
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= MAX_SHEET_ROWS:
                    break
                cells = [str(value) for value in row if value is not None and str(value).strip()]
                if cells:
                    lines.append("\t".join(cells))
            text = clean_text("\n".join(lines))
            if text:
                pages.append(PageText(number=number, text=text, label=str(sheet.title)[:200]))
    finally:
        workbook.close()
    return pages


def _txt(stream: BinaryIO) -> list[PageText]:
    raw = stream.read(MAX_TEXT_CHARS * 4 + 1)
    text = raw.decode("utf-8-sig", errors="replace")
    pages = []
    for number, part in enumerate(text.split("\f"), start=1):
        cleaned = clean_text(part)
        if cleaned:
            pages.append(PageText(number=number, text=cleaned))
    return pages


EXTRACTORS: dict[str, Callable[[BinaryIO], list[PageText]]] = {
    "pdf": _pdf,
    "docx": _docx,
    "odt": _odt,
    "xlsx": _xlsx,
    "txt": _txt,
}


def _cap(pages: list[PageText]) -> Extraction:
    kept: list[PageText] = []
    total = 0
    for page in pages:
        if total + len(page.text) > MAX_TEXT_CHARS:
            room = MAX_TEXT_CHARS - total
            if room > 0:
                kept.append(PageText(number=page.number, text=page.text[:room], label=page.label))
            return Extraction(pages=kept, truncated=True)
        kept.append(page)
        total += len(page.text)
    return Extraction(pages=kept)


def extract_pages(kind: str, stream: BinaryIO) -> Extraction:
    """The text of the file in `stream`, page by page (pages without text left out). Raises ExtractionError
    when the file cannot be read; any other exception is a reader's failure on a damaged file."""
    extractor = EXTRACTORS.get(kind)
    if extractor is None:
        raise ExtractionError(_("Files of this type have no text to extract."))
    try:
        pages = extractor(stream)
    except zipfile.BadZipFile as exc:
        raise ExtractionError(_("The file is damaged and cannot be read.")) from exc
    return _cap(pages)
