"""The compilation's four formats, each written from the same Content (content.py).

- HTML: a standalone page (no external assets), the same text as the preview and the PDF.
- DOCX (python-docx): real headings (Heading 1-3), a table of contents field that Word fills in when the file is
  opened, and real tables with a repeated header row: editable in Word and LibreOffice. The county maps as PNG
  pictures (drawn with Pillow, which WeasyPrint brings) with a text alternative, a legend and the table.
- PDF: samrad.documents.pdf.render_pdf (tagged PDF/A-2a, text extractable); the maps as inline SVG.
- XLSX (openpyxl): sheets for the summary and figures, the respondents, the per-question distributions, the
  answers and the maps' values per municipality; numbers as numbers.
"""

import io
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from samrad.analysis import charts, maps
from samrad.analysis.charts import Chart
from samrad.analysis.county_maps import DrawnMap, categories_of
from samrad.analysis.distribution import STANCE_CHOICES
from samrad.consultations.exports import _xlsx_text
from samrad.documents.pdf import render_pdf
from samrad.reports.content import THEMES_SIGNED_OFF, Content, QuestionPart, Quote

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("html", "docx", "pdf", "xlsx")


def document_title(content: Content) -> str:
    return f"{_('Compilation of the consultation answers')}: {content.title}"


def compilation_html(content: Content) -> bytes:
    return render_to_string("reports/document.html", {"content": content}).encode()


def compilation_pdf(content: Content) -> bytes:
    return render_pdf("reports/pdf.html", {"content": content}, title=document_title(content))


# --- DOCX ----------------------------------------------------------------------------------------------------


def _docx_toc(document: Any) -> None:
    """A TOC field over headings 1-3, marked dirty so that Word builds it on opening (LibreOffice: Update)."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = _("The table of contents is filled in when the document is opened (or: right-click, Update).")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _docx_table(document: Any, header: list[str], rows: list[list[str]]) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    cells = table.rows[0].cells
    for cell, text in zip(cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_properties.append(repeat)
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    return table


def _docx_map(document: Any, drawn_map: DrawnMap, heading: str, level: int, value_heading: str) -> None:
    """A county map: a heading, the map as a picture with its text alternative, the legend (a swatch, the label
    and the count per category) and the table of every municipality."""
    data = drawn_map.data
    document.add_heading(heading, level=level)
    categories = categories_of(data.kind)
    png = maps.map_png(maps.county_map(data.counties), {row.code: row.value for row in data.rows}, categories)
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(png), width=Cm(11))
    legend_text = "; ".join(f"{entry.label}: {entry.count}" for entry in drawn_map.legend if entry.count)
    picture._inline.docPr.set("descr", f"{drawn_map.title}. {data.county_names}. {legend_text}.")
    picture._inline.docPr.set("title", drawn_map.title)
    legend = _docx_table(
        document,
        [_("Colour and pattern"), _("Meaning"), pgettext("compilation", "Number")],
        [["", entry.label, str(entry.count)] for entry in drawn_map.legend],
    )
    for row, category in zip(legend.rows[1:], categories, strict=True):
        row.cells[0].paragraphs[0].add_run().add_picture(io.BytesIO(maps.swatch_png(category)), width=Cm(0.6))
    document.add_paragraph(drawn_map.title)
    _docx_table(
        document,
        [_("Municipality"), pgettext("municipality", "Code"), value_heading],
        [[row.name, row.code, row.label] for row in data.rows],
    )


def themes_note(content: Content) -> str:
    """What the themes are and whether they were signed off (the HTML and PDF say the same in _body.html)."""
    if content.themes_state == THEMES_SIGNED_OFF:
        return _(
            "The themes were drawn up from the answers by the platform's analysis and reviewed and signed off by the "
            "coordinators on %(day)s. Each quote gives the answer's receipt number."
        ) % {"day": content.themes_signed_off}
    return " ".join(
        [
            _("Preliminary: the themes have not been signed off yet."),
            _(
                "They are drawn up from the answers by the platform's analysis; a coordinator reviews and signs them "
                "off on the analysis page before the compilation can be signed off."
            ),
        ]
    )


def _answers(count: int) -> str:
    return ngettext("%(count)s answer", "%(count)s answers", count) % {"count": count}


def _citation(quote: Quote) -> str:
    parts = [quote.respondent]
    if quote.stance_label:
        parts.append(f" – {quote.stance_label}")
    page = ", " + _("page %(page)s") % {"page": quote.page} if quote.page else ""
    parts.append(f" ({_('receipt')} {quote.receipt}{page})")
    return "".join(parts)


def _docx_themes(document: Any, part: QuestionPart) -> None:
    """A question's themes: a heading per theme, its answers per stance, and its quotes (Word's Quote style) each
    followed by whose answer it is."""
    heading = _("Themes in the answers to question %(number)s") % {"number": part.number}
    document.add_heading(heading, level=3)
    quote_id = document.styles["Quote"].style_id
    for theme in part.themes:
        document.add_heading(theme.label, level=4)
        stances = ", ".join(f"{line.label} {line.count}" for line in theme.stances)
        document.add_paragraph(f"{_answers(theme.answers)}: {stances}." if stances else f"{_answers(theme.answers)}.")
        for quote in theme.quotes:
            paragraph = document.add_paragraph(quote.text)
            paragraph._p.style = quote_id
            document.add_paragraph().add_run(_citation(quote)).italic = True


def _docx_chart(document: Any, chart: Chart, part: QuestionPart) -> None:
    """The stance shares as a bar chart picture, with the shares in words as its text alternative."""
    title = _("Stances on question %(number)s as a bar chart") % {"number": part.number}
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(charts.chart_png(chart)), width=Cm(9))
    described = chart.description(_("of the answers"), _("weighted by population"))
    picture._inline.docPr.set("descr", f"{title}. {described}")
    picture._inline.docPr.set("title", title)
    if part.weighted:
        caption = _("Upper bar (blue): share of the answers. Lower bar (orange): share weighted by population.")
    else:
        caption = _("Each bar: share of the answers.")
    document.add_paragraph(caption)


def _percent(value: float) -> str:
    return f"{value:.1f} %".replace(".", ",")


def compilation_docx(content: Content) -> bytes:
    document = Document()
    document.core_properties.title = document_title(content)
    document.core_properties.language = "sv-SE"
    document.add_heading(document_title(content), level=0)
    facts = [
        (_("Reference number"), content.reference_number),
        (_("Sent by"), ", ".join(content.senders)),
        (_("Last day to answer"), content.deadline),
        (_("Closed"), content.closed),
        (_("Compiled"), content.built_at),
    ]
    for label, value in facts:
        if value:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    document.add_heading(_("Contents"), level=1)
    _docx_toc(document)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading(pgettext("compilation", "Summary"), level=1)
    for block in re.split(r"\n\s*\n", content.summary) if content.summary else []:
        document.add_paragraph(block.strip())

    document.add_heading(_("Who was asked and who answered"), level=1)
    _docx_table(
        document,
        [_("Group"), pgettext("compilation", "Number")],
        [[line.label, str(line.count)] for line in content.counts],
    )
    if content.referrals:
        document.add_heading(_("The referral list"), level=2)
        _docx_table(
            document,
            [_("Referral body"), _("Outcome"), _("Receipt number"), _("Note")],
            [[p.name, p.status_label.capitalize(), p.receipt or "–", p.note or "–"] for p in content.referrals],
        )
    document.add_heading(_("Answered unasked"), level=2)
    if content.unsolicited:
        _docx_table(
            document,
            [pgettext("compilation", "Respondent"), _("Receipt number")],
            [[p.name, p.receipt] for p in content.unsolicited],
        )
    else:
        document.add_paragraph(_("None."))
    document.add_heading(_("Joint answers"), level=2)
    if content.joint:
        _docx_table(
            document,
            [pgettext("compilation", "Respondent"), _("Together with"), _("Receipt number")],
            [[p.name, p.note, p.receipt] for p in content.joint],
        )
    else:
        document.add_paragraph(_("None."))
    status_map = content.drawn_status_map
    if status_map is not None:
        _docx_map(document, status_map, _("Map: what became of each municipality's referral"), 2, _("Status"))

    # Set by id: python-docx resolves a style given by name or object in a scan of every style, per paragraph.
    bullet_id = document.styles["List Bullet"].style_id
    document.add_heading(_("The answers, question by question"), level=1)
    if content.has_themes:
        document.add_paragraph(themes_note(content))
    for part in content.questions:
        document.add_heading(_("Question %(number)s: %(text)s") % {"number": part.number, "text": part.text}, level=2)
        if part.asks_stance:
            header = [_("Stance"), pgettext("compilation", "Number"), _("Share")]
            rows = [[line.label.capitalize(), str(line.count), _percent(line.percent)] for line in part.distribution]
            total = [_("Total"), str(part.total), _percent(100.0 if part.total else 0.0)]
            if part.weighted:
                header += [_("Organisations"), _("Population"), _("Weighted share"), _("Without population figure")]
                for row, line in zip(rows, part.distribution, strict=True):
                    row += [str(line.bodies), str(line.population), _percent(line.weighted_percent), str(line.missing)]
                total += [
                    str(sum(line.bodies for line in part.distribution)),
                    str(sum(line.population for line in part.distribution)),
                    _percent(100.0 if any(line.population for line in part.distribution) else 0.0),
                    str(sum(line.missing for line in part.distribution)),
                ]
            _docx_table(document, header, [*rows, total])
            chart = part.chart
            if chart is not None:
                _docx_chart(document, chart, part)
        question_map = part.drawn_map
        if question_map is not None:
            heading = _("Map: each municipality's stance on question %(number)s") % {"number": part.number}
            _docx_map(document, question_map, heading, 3, _("Stance"))
        if part.themes:
            _docx_themes(document, part)
        if not part.accounts:
            document.add_paragraph(_("No answers to this question."))
        for account in part.accounts:
            paragraph = document.add_paragraph()
            paragraph._p.style = bullet_id
            paragraph.add_run(account.respondent).bold = True
            if account.stance_label:
                paragraph.add_run(f" – {account.stance_label}")
            paragraph.add_run(f" ({_('receipt')} {account.receipt}): {account.excerpt}")
    target = io.BytesIO()
    document.save(target)
    return target.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------------------


def _sheet(workbook: Workbook, title: str, header: list[str], widths: list[int]) -> Any:
    sheet = workbook.create_sheet(title)
    sheet.append([_xlsx_text(text) for text in header])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _xlsx_chart(sheet: Any, part: QuestionPart, first: int, last: int, placed: int) -> None:
    """A native Excel bar chart of one question's shares (and weighted shares), from its rows of the sheet, placed
    right of the table, one under the other."""
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = _("Stances on question %(number)s") % {"number": part.number}
    chart.y_axis.title = _("Share")
    chart.y_axis.numFmt = "0%"
    chart.height, chart.width = 7.5, 16
    columns = [5, 8] if part.weighted else [5]
    for column in columns:
        chart.add_data(Reference(sheet, min_col=column, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=3, min_row=first, max_row=last))
    names = [_("Share of the answers"), _("Weighted share")]
    for series, name in zip(chart.series, names, strict=False):
        series.tx = SeriesLabel(v=name)
    sheet.add_chart(chart, f"K{2 + placed * 16}")


def _xlsx_themes(workbook: Workbook, content: Content) -> None:
    """Two sheets: the themes with their answers per stance (a column per stance, numbers), and every quote with
    its theme, respondent, stance, receipt number and page."""
    stances = [(value, str(label)) for value, label in STANCE_CHOICES]
    sheet = _sheet(
        workbook,
        _("Themes"),
        [_("Question"), _("Theme"), _("Answers"), *[label.capitalize() for _value, label in stances]],
        [10, 50, 10, *[14 for _stance in stances]],
    )
    quotes = _sheet(
        workbook,
        _("Quotes"),
        [
            _("Question"),
            _("Theme"),
            pgettext("compilation", "Respondent"),
            _("Stance"),
            _("Receipt number"),
            _("Page"),
            _("Quote"),
        ],
        [10, 40, 36, 24, 22, 8, 80],
    )
    for part in content.questions:
        for theme in part.themes:
            counts = {line.key: line.count for line in theme.stances}
            sheet.append(
                [part.number, _xlsx_text(theme.label), theme.answers, *[counts.get(value, 0) for value, _l in stances]]
            )
            for quote in theme.quotes:
                quotes.append(
                    [
                        part.number,
                        _xlsx_text(theme.label),
                        _xlsx_text(quote.respondent),
                        _xlsx_text(quote.stance_label),
                        quote.receipt,
                        quote.page,
                        _xlsx_text(quote.text),
                    ]
                )
    sheet.append([])
    sheet.append([_xlsx_text(themes_note(content))])


def compilation_xlsx(content: Content) -> bytes:
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    overview = _sheet(
        workbook, pgettext("compilation", "Summary"), [_("Group"), pgettext("compilation", "Number")], [40, 12]
    )
    for line in content.counts:
        overview.append([_xlsx_text(line.label), line.count])
    overview.append([])
    overview.append([_xlsx_text(pgettext("compilation", "Summary")), _xlsx_text(content.summary)])
    overview.cell(row=overview.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")

    respondents = _sheet(
        workbook,
        _("Respondents"),
        [pgettext("compilation", "Respondent"), _("Outcome"), _("Receipt number"), _("Note")],
        [40, 24, 22, 50],
    )
    for party in [*content.referrals, *content.unsolicited]:
        respondents.append(
            [_xlsx_text(party.name), _xlsx_text(party.status_label), party.receipt, _xlsx_text(party.note)]
        )

    charts_placed = 0
    distribution = _sheet(
        workbook,
        _("Distribution"),
        [
            _("Question"),
            _("Question text"),
            _("Stance"),
            pgettext("compilation", "Number"),
            _("Share"),
            _("Organisations"),
            _("Population"),
            _("Weighted share"),
            _("Without population figure"),
        ],
        [10, 50, 28, 10, 10, 14, 14, 14, 14],
    )
    for part in content.questions:
        first_row = distribution.max_row + 1
        for stance_line in part.distribution:
            weighted = (
                [stance_line.bodies, stance_line.population, stance_line.weighted_percent / 100, stance_line.missing]
                if part.weighted
                else [None, None, None, None]
            )
            distribution.append(
                [
                    part.number,
                    _xlsx_text(part.text),
                    _xlsx_text(stance_line.label),
                    stance_line.count,
                    stance_line.percent / 100,
                    *weighted,
                ]
            )
            distribution.cell(row=distribution.max_row, column=5).number_format = "0.0%"
            distribution.cell(row=distribution.max_row, column=8).number_format = "0.0%"
        if part.chart is not None:
            _xlsx_chart(distribution, part, first_row, distribution.max_row, charts_placed)
            charts_placed += 1

    answers = _sheet(
        workbook,
        _("Answers"),
        [
            _("Question"),
            pgettext("compilation", "Respondent"),
            _("Stance"),
            _("Receipt number"),
            _("Channel"),
            _("Beginning of the answer"),
        ],
        [10, 36, 24, 22, 16, 80],
    )
    for part in content.questions:
        for account in part.accounts:
            answers.append(
                [
                    part.number,
                    _xlsx_text(account.respondent),
                    _xlsx_text(account.stance_label),
                    account.receipt,
                    _xlsx_text(account.channel_label),
                    _xlsx_text(account.excerpt),
                ]
            )
    if content.has_themes:
        _xlsx_themes(workbook, content)
    map_rows = [(_("Status"), content.status_map)] if content.status_map else []
    map_rows += [
        (_("Question %(number)s") % {"number": part.number}, part.map) for part in content.questions if part.map
    ]
    if map_rows:
        sheet = _sheet(
            workbook,
            _("Map"),
            [_("Map"), _("Municipality"), pgettext("municipality", "Code"), _("Value")],
            [14, 30, 8, 30],
        )
        for title, data in map_rows:
            for row in data.rows:
                sheet.append([_xlsx_text(title), _xlsx_text(row.name), row.code, _xlsx_text(row.label)])
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def compilation_file(content: Content, file_format: str) -> tuple[bytes, str]:
    """The compilation as `file_format` (one of FORMATS) and its content type."""
    if file_format == "html":
        return compilation_html(content), "text/html; charset=utf-8"
    if file_format == "docx":
        return compilation_docx(content), DOCX_CONTENT_TYPE
    if file_format == "pdf":
        return compilation_pdf(content), "application/pdf"
    if file_format == "xlsx":
        return compilation_xlsx(content), XLSX_CONTENT_TYPE
    raise ValueError(file_format)
