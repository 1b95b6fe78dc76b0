"""Real files made by the tests: PDF, DOCX, ODT, and the hostile ones (bombs, encrypted, renamed programs)."""

import io
import zipfile

from pypdf import PdfReader, PdfWriter

from samrad.documents.generation import make_docx, make_docx_pages, make_odt, make_odt_pages, make_pdf, make_xlsx

__all__ = [
    "make_docx",
    "make_docx_bomb",
    "make_docx_pages",
    "make_elf_executable",
    "make_encrypted_pdf",
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
