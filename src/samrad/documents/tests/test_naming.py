"""Stored files are named by the type the intake detected: the uploader's extension never survives."""

import pytest

from samrad.documents.naming import MAX_NAME_LENGTH, name_with_extension


@pytest.mark.parametrize(
    ("uploaded_as", "extension", "named"),
    [
        ("x.exe", ".pdf", "x.pdf"),
        ("beslut.html", ".pdf", "beslut.pdf"),
        ("rapport.html", ".txt", "rapport.txt"),
        ("Protokoll.PDF", ".pdf", "Protokoll.PDF"),  # already the right type: kept as written
        ("bild.jpeg", ".jpg", "bild.jpeg"),
        ("svar.doc", ".docx", "svar.docx"),
        ("remissvar.pdf.exe", ".pdf", "remissvar.pdf"),
        ("Remissvar v.2 slutlig", ".pdf", "Remissvar v.2 slutlig.pdf"),  # no extension: one is added
        ("C:\\Users\\eva\\Yttrande.docx", ".docx", "Yttrande.docx"),
        ("../../etc/passwd", ".txt", "passwd.txt"),
        ("", ".odt", "fil.odt"),
        (".pdf", ".pdf", "fil.pdf"),
    ],
)
def test_the_name_ends_in_the_detected_type(uploaded_as, extension, named):
    assert name_with_extension(uploaded_as, extension) == named


def test_a_long_name_keeps_its_extension():
    named = name_with_extension("a" * 400 + ".exe", ".pdf")
    assert len(named) == MAX_NAME_LENGTH and named.endswith(".pdf")
