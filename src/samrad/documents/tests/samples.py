"""Real files made by the tests: PDF, DOCX, ODT, and the hostile ones (bombs, encrypted, renamed programs)."""

import io
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from samrad.documents.generation import make_docx, make_docx_pages, make_odt, make_odt_pages, make_pdf, make_xlsx

__all__ = [
    "make_docx",
    "make_docx_bomb",
    "make_docx_pages",
    "make_elf_executable",
    "make_encrypted_pdf",
    "make_extraction_bomb",
    "make_odt",
    "make_odt_pages",
    "make_pdf",
    "make_xlsx",
]


def make_encrypted_pdf(text: str = "Hemligt") -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(text))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="hemligt", owner_password="hemligare")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx_bomb(expanded_mb: int = 400) -> bytes:
    """Looks like a DOCX (the right member names) but one member expands to `expanded_mb` megabytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(expanded_mb):
                member.write(block)
    return out.getvalue()


def make_elf_executable() -> bytes:
    """The first bytes of a Linux program followed by padding: what a renamed executable looks like."""
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 4000


def make_extraction_bomb(*, pages: int = 200, operators: int = 100_000, first_pages: tuple[str, ...] = ()) -> bytes:
    """A small PDF (about 35 KB) that costs a text extractor seconds per page: every page's /Contents is the
    same shared, compressed stream of `operators` text operators (an empty string shown, then a move), so the
    reader parses the whole stream again for each page. With the defaults pypdf needs about 2 s a page, 7
    minutes for the file. `first_pages` are ordinary pages with text put before the costly ones."""
    writer = PdfWriter()
    if first_pages:
        for page in PdfReader(io.BytesIO(make_pdf(*first_pages))).pages:
            writer.add_page(page)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    content = StreamObject()
    content.set_data(b"BT /F1 12 Tf 72 720 Td " + b"() Tj 0 0 Td " * operators + b"ET")
    content_ref = writer._add_object(content.flate_encode())
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
    for _ in range(pages):
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Contents")] = content_ref
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
