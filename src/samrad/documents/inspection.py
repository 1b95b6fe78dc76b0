"""Deciding what a file is from its content (never its name), and refusing what is dangerous or broken.

Every file that enters the platform passes `inspect_file` before it is stored. It recognises PDF, DOCX, ODT,
XLSX, plain text, PNG and JPEG; reads ZIP-based formats member by member with a cap on the decompressed size (so
an archive bomb is refused without being unpacked); and opens PDFs to refuse encrypted or broken ones.
"""

import io
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from samrad.errors import InvalidInput

# The decompressed size a ZIP-based document may reach, and how many members it may have.
ZIP_MAX_UNCOMPRESSED = 300 * 1024 * 1024
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_RATIO = 200


class FileRejected(InvalidInput):
    """The file is not accepted; `message` says why in the user's language."""


@dataclass(frozen=True)
class FileType:
    kind: str  # StoredFile.Kind value
    content_type: str
    extension: str


PDF = FileType("pdf", "application/pdf", ".pdf")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", ".odt")
TXT = FileType("txt", "text/plain", ".txt")
PNG = FileType("png", "image/png", ".png")
JPEG = FileType("jpeg", "image/jpeg", ".jpg")
ALL_TYPES = {t.kind: t for t in (PDF, DOCX, XLSX, ODT, TXT, PNG, JPEG)}


def inspect_file(stream: BinaryIO) -> FileType:
    """Return the type of the file in `stream` or raise FileRejected. The stream is left at position 0."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise FileRejected(_("The file is empty."))
    try:
        if head.startswith(b"%PDF-"):
            _check_pdf(stream)
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _inspect_zip(stream)
        if head.startswith((b"\xd0\xcf\x11\xe0", b"MZ", b"\x7fELF", b"#!")):
            raise FileRejected(_("This type of file is not accepted. Upload a PDF, Word (DOCX) or OpenDocument file."))
        return _inspect_text(stream)
    finally:
        stream.seek(0)


def _check_pdf(stream: BinaryIO) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise FileRejected(
                _("The PDF is encrypted or password-protected. Save it without a password and upload it again.")
            )
        if len(reader.pages) < 1:
            raise FileRejected(_("The PDF has no pages."))
    except FileRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError) as exc:
        raise FileRejected(_("The PDF is damaged and cannot be read.")) from exc


def _inspect_zip(stream: BinaryIO) -> FileType:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(_("The file is damaged and cannot be read.")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise FileRejected(_("The file contains too many parts to be a document."))
        if any(m.flag_bits & 0x1 for m in members):
            raise FileRejected(_("The file is encrypted or password-protected."))
        names = {m.filename for m in members}
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            file_type = DOCX
        elif "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            file_type = XLSX
        elif "mimetype" in names and archive.read("mimetype")[:100].strip() == ODT.content_type.encode():
            file_type = ODT
        else:
            raise FileRejected(_("This type of file is not accepted. Upload a PDF, Word (DOCX) or OpenDocument file."))
        _check_decompressed_size(archive, members)
    return file_type


def _check_decompressed_size(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Decompress every member in chunks, stopping as soon as the total passes the cap. The sizes declared in
    the archive are not trusted: a crafted archive can declare small sizes and expand to gigabytes."""
    bomb = _("The file expands to far more data than a document can hold (an archive bomb) and is refused.")
    total = 0
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
            raise FileRejected(bomb)
        try:
            with archive.open(member) as handle:
                while chunk := handle.read(1024 * 1024):
                    total += len(chunk)
                    if total > ZIP_MAX_UNCOMPRESSED:
                        raise FileRejected(bomb)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise FileRejected(_("The file is damaged and cannot be read.")) from exc


def _inspect_text(stream: BinaryIO) -> FileType:
    sample = stream.read(64 * 1024)
    if b"\x00" in sample:
        raise FileRejected(_("This type of file is not accepted. Upload a PDF, Word (DOCX) or OpenDocument file."))
    try:
        io.TextIOWrapper(io.BytesIO(sample), encoding="utf-8", errors="strict").read()
    except UnicodeDecodeError:
        # A multi-byte character cut at the sample's end is fine; anything else is not UTF-8 text.
        try:
            sample[:-4].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileRejected(_("Text files must be UTF-8 encoded.")) from exc
    return TXT
