"""Writing small, real documents from text: PDF, Word (DOCX), OpenDocument (ODT) and Excel (XLSX).

Used by the demo content and by the tests, so that what they feed the intake and the text extraction is what
a user uploads, not a hand-made imitation. The PDF writer is deliberately minimal (one standard font, WinAnsi
encoding, so Swedish letters survive), which keeps it free of a rendering engine.
"""

import io
import textwrap

from docx import Document
from docx.enum.text import WD_BREAK
from odf.opendocument import OpenDocumentText
from odf.text import H, P, SoftPageBreak
from openpyxl import Workbook

# Characters per line and lines per page of the generated PDFs (Helvetica 11 pt on A4 with 2 cm margins).
PDF_LINE_WIDTH = 95
PDF_LINES_PER_PAGE = 52


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf_lines(text: str, wrap: int | None) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        if wrap and len(line) > wrap:
            lines.extend(textwrap.wrap(line, width=wrap) or [""])
        else:
            lines.append(line)
    return lines


def make_pdf(*pages: str, wrap: int | None = None, title: str = "") -> bytes:
    """A valid PDF with one page per argument, its text in Helvetica (WinAnsi, so å ä ö survive). Long lines
    are wrapped at `wrap` characters (e.g. PDF_LINE_WIDTH); lines that do not fit on the page are cut. An empty
    string makes a page without any text (what a scanned page looks like to a text extractor)."""
    pages = pages or ("Remissvar",)
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    info_id = font_id + 1
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, text in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "57 785 Td"]
        for line in _pdf_lines(text, wrap)[:PDF_LINES_PER_PAGE] if text else []:
            ops.append(f"({_pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252", errors="replace")
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {content_id} 0 R >>".encode()
        )
        assert len(objects) == page_id
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(f"<< /Title ({_pdf_escape(title)}) /Producer (Samrad) >>".encode("cp1252", errors="replace"))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, info_id, xref)
    )
    return out.getvalue()


def make_docx(*paragraphs: str, title: str = "") -> bytes:
    """A Word document with these paragraphs (and a heading first, if `title` is given)."""
    return make_docx_pages([list(paragraphs or ("Remissvar",))], title=title)


def make_docx_pages(pages: list[list[str]], *, title: str = "") -> bytes:
    """A Word document whose pages are separated by explicit page breaks, each page a list of paragraphs."""
    document = Document()
    if title:
        document.core_properties.title = title
        document.add_heading(title, level=1)
    for index, paragraphs in enumerate(pages):
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        if index < len(pages) - 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(*paragraphs: str, title: str = "") -> bytes:
    """An OpenDocument text with these paragraphs (and a heading first, if `title` is given)."""
    return make_odt_pages([list(paragraphs or ("Remissvar",))], title=title)


def make_odt_pages(pages: list[list[str]], *, title: str = "") -> bytes:
    """An OpenDocument text whose pages are separated the way LibreOffice records its page layout (soft page
    breaks), each page a list of paragraphs."""
    document = OpenDocumentText()
    if title:
        document.text.addElement(H(outlinelevel=1, text=title))
    for index, paragraphs in enumerate(pages):
        if index:
            document.text.addElement(SoftPageBreak())
        for paragraph in paragraphs:
            document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """An Excel workbook with one sheet per key, its rows as given."""
    workbook = Workbook()
    first = True
    for name, rows in sheets.items():
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        sheet.title = name
        first = False
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
