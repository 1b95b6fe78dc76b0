"""The platform's own PDFs are archival (PDF/A-2) and tagged, with their text extractable by other programs."""

import io

import pytest
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from samrad.documents.pdf import PdfRenderError, _fetch_static_only, css_string, render_pdf


@pytest.fixture
def template(tmp_path, settings):
    directory = tmp_path / "templates"
    directory.mkdir()
    (directory / "probe.html").write_text(
        '{% extends "documents/pdf/base.html" %}{% block body %}<h1>Remissvar från Åre</h1>'
        "<p>Kommunen tillstyrker förslaget – med ändringar.</p>"
        "<table><thead><tr><th>Fil</th><th>SHA-256</th></tr></thead><tbody><tr><td>beslut.pdf</td>"
        "<td>{{ digest }}</td></tr></tbody></table>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [directory]}]
    return "probe.html"


def test_a_rendered_pdf_is_pdf_a_tagged_and_its_text_can_be_read(template):
    pdf = render_pdf(template, {"digest": "ab" * 32}, title="Remissvar", language="sv")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp  # PDF/A-2, level a (accessible)
    assert reader.metadata.title == "Remissvar"
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert all("Inter" in name for name in fonts), fonts  # our own font, embedded, never a system fallback
    text = extract_text(io.BytesIO(pdf))
    assert "Remissvar från Åre" in text
    assert "tillstyrker förslaget – med ändringar" in text
    assert "ab" * 32 in text.replace("\n", "")


def test_rendering_fetches_nothing_but_static_files():
    with pytest.raises(PdfRenderError):
        _fetch_static_only("https://example.com/x.png")
    with pytest.raises(PdfRenderError):
        _fetch_static_only("file:///etc/passwd")
    font = _fetch_static_only("samrad-static:vendor/inter/files/inter-latin-400-normal.woff2")
    assert font.read()[:4] == b"wOF2"


def test_a_title_in_the_running_footer_is_escaped_for_css():
    assert css_string("Remissvar SAM-2026-0007") == "Remissvar SAM-2026-0007"
    assert css_string('a "b" \\ </style>') == "a \\22 b\\22  \\5c  \\3c /style\\3e "
