"""The names files are stored and offered under: always ending in the extension of the type the intake detected.

The client's name is kept for what a person recognises (the part before the extension), never for what it says
the file is: a PDF uploaded as `x.exe` is `x.pdf`, and a file the intake found to be plain text is `.txt`
whatever its name said (`.html` included), so that no download is ever opened as something it was not checked as.
"""

import re
from pathlib import PurePath
from typing import Protocol

MAX_NAME_LENGTH = 255
# What counts as the client's extension: a final dot and up to ten letters or digits ("Remissvar v.2 final" has none).
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
# Other spellings of the extensions the intake gives, kept as the person wrote them.
_SPELLINGS = {".jpg": (".jpg", ".jpeg", ".jpe")}


class _NamedFile(Protocol):
    original_name: str
    extension: str


def name_with_extension(name: str, extension: str) -> str:
    """`name` (only its last path part) ending in `extension` (e.g. ".pdf"): the client's extension, if any, is
    replaced unless it already is one of the type's spellings (in any case)."""
    base = PurePath(name.replace("\\", "/")).name.strip()
    spellings = _SPELLINGS.get(extension, (extension,))
    if base.lower().endswith(spellings) and len(base) > len(extension):
        return base[:MAX_NAME_LENGTH]
    match = _EXTENSION.search(base)
    stem = base[: match.start()] if match else base
    stem = stem.rstrip(" .")
    if stem.lower().endswith(spellings) and len(stem) > len(extension):  # "report.pdf.exe"
        return stem[:MAX_NAME_LENGTH]
    stem = (stem or "fil")[: MAX_NAME_LENGTH - len(extension)]
    return f"{stem}{extension}"


def download_name(stored: _NamedFile) -> str:
    """The file name to offer a stored file under (also for files stored before names were corrected)."""
    return name_with_extension(stored.original_name, stored.extension)
