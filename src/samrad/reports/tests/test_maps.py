"""The county maps in the compilation: kept in the frozen content as plain rows (code -> value, never the SVG),
drawn as SVG in the HTML and the PDF (read back with pypdf), as a PNG picture with its text alternative, a legend
and a table in the DOCX (read back with python-docx), and as rows in the XLSX."""

import io
import json
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import CountyFactory
from samrad.reports import formats
from samrad.reports.content import Content, compilation_content

pytestmark = pytest.mark.django_db

CODES = {
    "Nacka kommun": "0182",
    "Solna stad": "0184",
    "Sundbybergs stad": "0183",
    "Täby kommun": "0160",
    "Vaxholms stad": "0187",
    "Tyresö kommun": "0138",
}


@pytest.fixture
def content(closed_world):
    """The closed consultation's municipalities with their real codes in Stockholm County."""
    county = CountyFactory.create(code="01")
    for name, code in CODES.items():
        Organisation.objects.filter(name=name).update(municipality_code=code, county=county)
    return compilation_content(closed_world["consultation"], summary="Sammanfattningen.")


def test_the_frozen_content_keeps_the_values_per_municipality_not_the_svg(content):
    data = json.loads(json.dumps(content.as_json()))
    assert "<svg" not in json.dumps(data) and "<path" not in json.dumps(data)
    status = {row["code"]: row["value"] for row in data["status_map"]["rows"]}
    assert len(status) == 26 and data["status_map"]["counties"] == ["01"]
    assert status["0182"] == "answered" and status["0183"] == "answered_jointly"
    assert status["0187"] == "declined" and status["0138"] == "not_answered" and status["0180"] == "not_invited"
    question = {row["code"]: (row["value"], row["label"]) for row in data["questions"][0]["map"]["rows"]}
    assert question["0182"] == ("support", "Tillstyrker")
    assert question["0184"] == question["0183"] == ("oppose", "Avstyrker")
    assert question["0160"] == ("support_with_changes", "Tillstyrker med ändringar")
    assert data["questions"][1]["map"] is None  # a free-text question
    again = Content.from_json(data)
    assert again == content
    assert again.status_map is not None and again.status_map.rows == content.status_map.rows


def test_a_compilation_frozen_before_the_maps_reads_back_without_them(content):
    data = content.as_json()
    del data["status_map"]
    for part in data["questions"]:
        del part["map"]
    again = Content.from_json(data)
    assert again.status_map is None and again.questions[0].map is None
    assert 'class="county-map' not in formats.compilation_html(again).decode()


def test_the_html_has_the_maps_and_their_tables(content):
    html = formats.compilation_html(content).decode()
    assert html.count('role="img"') == 3  # two maps and question 1's bar chart
    assert html.count('<figure class="county-map-figure">') == 2
    assert re.search(r'data-code="0182" data-value="support"><title>Nacka kommun: Tillstyrker</title>', html)
    assert '<th scope="row">Nacka kommun</th><td>0182</td><td>Tillstyrker</td>' in html
    assert '<th scope="row">Vaxholms stad</th><td>0187</td><td>Avstod</td>' in html


def test_the_pdf_has_the_maps_tables_as_text(content):
    reader = PdfReader(io.BytesIO(formats.compilation_pdf(content)))
    resources = reader.pages[-1]["/Resources"].get_object()
    assert len(resources["/Pattern"].get_object()) >= 8  # the maps' patterns are drawn (WeasyPrint's inline SVG)
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "Karta: vad som blev av varje kommuns remiss" in text
    assert "Karta: varje kommuns ställningstagande till fråga 1" in text
    assert "Nacka kommun 0182 Tillstyrker" in text
    assert "Sundbybergs stad 0183 Avstyrker" in text
    assert "Upplands Väsby 0114 Inte inbjuden" in text


def test_the_docx_has_each_map_as_a_picture_with_a_legend_and_a_table(content):
    document = Document(io.BytesIO(formats.compilation_docx(content)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Karta: vad som blev av varje kommuns remiss" in headings
    assert "Karta: varje kommuns ställningstagande till fråga 1" in headings
    pictures = [shape for shape in document.inline_shapes]
    descriptions = [shape._inline.docPr.get("descr") for shape in pictures]
    maps = [text for text in descriptions if text and "stapeldiagram" not in text]
    assert len(maps) == 2
    assert "Stockholms län. Svarade: 3; Svarade gemensamt: 1; Avstod: 1;" in maps[0]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    stance_table = next(t for t in tables if t[0] == ["Kommun", "Kod", "Ställningstagande"])
    rows = {row[1]: (row[0], row[2]) for row in stance_table[1:]}
    assert len(rows) == 26
    assert rows["0182"] == ("Nacka kommun", "Tillstyrker") and rows["0187"][1] == "Inbjuden, inget svar eller avstod"
    legend = next(t for t in tables if t[0][1:] == ["Betydelse", "Antal"] and t[1][1] == "Tillstyrker")
    assert ["", "Avstyrker", "2"] in legend


def test_the_xlsx_has_a_sheet_of_the_maps_values(content):
    workbook = load_workbook(io.BytesIO(formats.compilation_xlsx(content)))
    assert workbook.sheetnames[-1] == "Karta"
    rows = list(workbook["Karta"].iter_rows(min_row=2, values_only=True))
    assert ("Status", "Täby kommun", "0160", "Svarade") in rows
    assert ("Fråga 1", "Täby kommun", "0160", "Tillstyrker med ändringar") in rows
    assert len(rows) == 2 * 26
