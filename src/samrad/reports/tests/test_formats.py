"""The four formats read back by independent readers, and their numbers checked against the answers."""

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser

from samrad.organisations.models import Organisation
from samrad.reports import formats
from samrad.reports.content import compilation_content

pytestmark = pytest.mark.django_db

SUMMARY = "I sina svar betonade kommunerna särskilt behovet av samordning."


def _population(name: str) -> int:
    population = Organisation.objects.get(name=name).population
    assert population is not None
    return population


@pytest.fixture
def content(closed_world):
    return compilation_content(closed_world["consultation"], summary=SUMMARY)


def test_docx_has_headings_a_toc_and_tables_with_the_counts(content, closed_world):
    document = Document(io.BytesIO(formats.compilation_docx(content)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Sammanfattning") in headings
    assert ("Heading 1", "Vilka som tillfrågades och vilka som svarade") in headings
    assert ("Heading 2", "Fråga 1: Vad anser ni om förslaget?") in headings
    assert any(p.text == SUMMARY for p in document.paragraphs)
    body = document.element.body.xml
    assert 'TOC \\o "1-3"' in body
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    counts = dict(tables[0][1:])
    assert (counts["Tillfrågade (på remisslistan)"], counts["Avstod"], counts["Svarade inte"]) == ("6", "1", "1")
    stance_table = next(t for t in tables if t[0][:3] == ["Ställningstagande", "Antal", "Andel"])
    assert stance_table[0][3:] == ["Organisationer", "Folkmängd", "Viktad andel", "Utan befolkningssiffra"]
    rows = {row[0]: row[1:] for row in stance_table[1:]}
    # Solna opposes jointly with Sundbyberg (both count, with their populations), and so does an association
    # outside the register (counted, without a population figure).
    opposing = closed_world["solna"].response.organisation.population + _population("Sundbybergs stad")
    everyone = opposing + closed_world["nacka"].response.organisation.population + _population("Täby kommun")
    assert rows["Avstyrker"] == [
        "2",
        "50,0 %",
        "3",
        str(opposing),
        f"{100 * opposing / everyone:.1f} %".replace(".", ","),
        "1",
    ]
    assert rows["Tillstyrker med ändringar"][:2] == ["1", "25,0 %"]
    assert rows["Totalt"] == ["4", "100,0 %", "5", str(everyone), "100,0 %", "1"]
    referral_table = next(t for t in tables if t[0][0] == "Remissinstans")
    assert ["Sundbybergs stad", "Svarade gemensamt", closed_world["solna"].receipt_number] == referral_table[
        [r[0] for r in referral_table].index("Sundbybergs stad")
    ][:3]


def test_xlsx_numbers_match_the_answers(content, closed_world):
    workbook = load_workbook(io.BytesIO(formats.compilation_xlsx(content)))
    assert workbook.sheetnames == ["Sammanfattning", "Svarande", "Fördelning", "Svar"]
    distribution = list(workbook["Fördelning"].iter_rows(min_row=2, values_only=True))
    first = {row[2]: (row[3], row[4]) for row in distribution if row[0] == 1}
    assert first["avstyrker"] == (2, 0.5)
    oppose = next(row for row in distribution if row[0] == 1 and row[2] == "avstyrker")
    opposing = closed_world["solna"].response.organisation.population + _population("Sundbybergs stad")
    assert oppose[5:] == (3, opposing, 0.5, 1)
    assert first["tillstyrker"] == (1, 0.25)
    assert sum(count for count, _share in first.values()) == 4
    answers = list(workbook["Svar"].iter_rows(min_row=2, values_only=True))
    receipts = {row[3] for row in answers if row[0] == 1}
    assert receipts == {closed_world[key].receipt_number for key in ("nacka", "solna", "taby", "unsolicited")}
    respondents = {row[0]: row[1] for row in workbook["Svarande"].iter_rows(min_row=2, values_only=True)}
    assert respondents["Vaxholms stad"] == "avstod"
    assert respondents["Naturskyddsföreningen"] == "svarade oombedd"
    overview = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True)}
    assert overview["Svar som kom in totalt"] == 4


def test_pdf_is_tagged_and_its_text_extractable(content, closed_world):
    data = formats.compilation_pdf(content)
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    assert "StructTreeRoot" in document.catalog
    text = " ".join(extract_text(io.BytesIO(data)).split())
    assert SUMMARY in text
    assert "Fråga 1: Vad anser ni om förslaget?" in text
    assert closed_world["taby"].receipt_number in text
    assert "Ställningstagande Antal Andel Organisationer Folkmängd Viktad andel Utan befolkningssiffra" in text
    assert "25,0 % 25,0 % 50,0 %" in text  # pdfminer reads the distribution's columns in pieces
    opposing = closed_world["solna"].response.organisation.population + _population("Sundbybergs stad")
    assert str(opposing) in text and "Befolkningssiffror från 2016." in text


def test_html_document_reads_back(content):
    html = formats.compilation_html(content).decode()
    assert '<html lang="sv">' in html
    assert "<h1>" in html and SUMMARY in html
    assert re.search(r"<th scope=\"row\">Avstyrker</th><td class=\"number\">2</td>", html)


def test_each_stance_question_has_a_chart_with_its_numbers(content):
    (stance_part, _free_text) = content.questions
    shares = {line.label.capitalize(): line.percent for line in stance_part.distribution}
    assert shares["Avstyrker"] == 50.0

    document = Document(io.BytesIO(formats.compilation_docx(content)))
    pictures = [
        shape._inline.docPr
        for shape in document.inline_shapes
        if (shape._inline.docPr.get("title") or "").startswith("Ställningstaganden i fråga 1 som stapeldiagram")
    ]
    assert len(pictures) == 1
    described = pictures[0].get("descr")
    assert "Avstyrker: 50,0 % av svaren" in described and "Tillstyrker: 25,0 % av svaren" in described
    assert "viktat efter folkmängd" in described  # the lower bars: the weighted shares

    workbook = load_workbook(io.BytesIO(formats.compilation_xlsx(content)))
    sheet = workbook["Fördelning"]
    # openpyxl keeps charts it wrote only in the file; read the drawing part back from the archive.
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(formats.compilation_xlsx(content)))
    (chart_xml,) = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/")]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == 1]
    first = 2
    last = first + len(rows) - 1
    assert f"$E${first}:$E${last}" in chart_xml and f"$H${first}:$H${last}" in chart_xml  # share, weighted share
    assert f"$C${first}:$C${last}" in chart_xml  # the stances as categories
    assert 'barDir val="bar"' in chart_xml

    html = formats.compilation_html(content).decode()
    assert html.count('<figure class="analysis-chart">') == 1
    assert re.search(r'<svg role="img" aria-labelledby="compilation-chart-1-title compilation-chart-1-desc"', html)
    assert "Avstyrker: 50,0 % av svaren" in html

    data = formats.compilation_pdf(content)
    text = " ".join(extract_text(io.BytesIO(data)).split())
    assert "Övre stapel (blå): andel av svaren." in text
