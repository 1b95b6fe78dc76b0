"""The "Analys" page's figures as an XLSX workbook: a sheet per stance question (overall, by kind, by group)."""

import re
from typing import IO, Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from samrad.analysis.distribution import ConsultationDistributions, Distribution


def _header(sheet: Worksheet, first: str) -> None:
    sheet.append(
        [
            first,
            _("Stance"),
            _("Bodies"),
            _("Share (%)"),
            _("Population"),
            _("Weighted share (%)"),
            _("Without population figure"),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _rows(sheet: Worksheet, distribution: Distribution) -> None:
    for line in distribution.lines:
        sheet.append(
            [
                capfirst(str(distribution.label)),
                str(line.label).capitalize(),
                line.count,
                line.percent,
                line.population,
                line.weighted_percent,
                line.missing,
            ]
        )
    sheet.append(
        [
            capfirst(str(distribution.label)),
            _("Total"),
            distribution.total,
            100.0 if distribution.total else 0.0,
            distribution.population,
            100.0 if distribution.population else 0.0,
            distribution.missing,
        ]
    )


def _sheet_title(number: int) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", _("Question %(number)s") % {"number": number})[:31]


def distributions_xlsx_write(result: ConsultationDistributions, target: IO[bytes]) -> None:
    """Write the workbook to `target`."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    if not result.questions:
        sheet = workbook.create_sheet(_("Analysis"))
        sheet.append([_("The consultation has no stance questions.")])
    for item in result.questions:
        sheet = workbook.create_sheet(_sheet_title(item.number))
        sheet.append([item.question.text])
        sheet["A1"].font = Font(bold=True)
        note: list[Any] = [
            _("Bodies counted: %(bodies)s, of which through a joint answer: %(joint)s.")
            % {"bodies": result.bodies, "joint": result.joint}
        ]
        if result.population_years_label:
            note.append(_("Population: %(years)s") % {"years": result.population_years_label})
        sheet.append(note)
        sheet.append([])
        _header(sheet, _("All"))
        _rows(sheet, item.overall)
        if item.by_kind:
            sheet.append([])
            _header(sheet, _("Kind of organisation"))
            for distribution in item.by_kind:
                _rows(sheet, distribution)
        if item.by_group:
            sheet.append([])
            _header(sheet, _("Group"))
            for distribution in item.by_group:
                _rows(sheet, distribution)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 26
        for column in "CDEFG":
            sheet.column_dimensions[column].width = 16
    workbook.save(target)
