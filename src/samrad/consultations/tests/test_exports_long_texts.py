"""The XLSX export never cuts a text (issue 8): a cell holds at most 32 767 characters, so a longer answer starts
in its cell with a note saying so and where the rest is, and goes on, in order, on the sheet "Fortsättning". The
CSV has it whole."""

import csv
import io

import pytest
from openpyxl import load_workbook

from samrad.consultations import exports, responses
from samrad.consultations.models import Question
from samrad.consultations.tests.factories import QuestionFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(make_consultation, municipality):
    consultation = make_consultation(open=True, questions=0)
    QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om förslaget?")
    QuestionFactory.create(consultation=consultation, order=2, text="Övriga synpunkter", kind=Question.Kind.TEXT)
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


def submitted(referral, respondent, text):
    """Nacka's answer, with `text` as the answer to question 2, submitted."""
    first, second = referral.consultation.questions.order_by("order")
    response = responses.response_get_or_create_draft(
        actor=respondent, consultation=referral.consultation, organisation=referral.organisation
    )
    responses.answer_save(
        actor=respondent, response=response, question=first, stance="support", text="Ja.", base_version=0
    )
    responses.answer_save(actor=respondent, response=response, question=second, stance="", text=text, base_version=0)
    responses.response_submit(actor=respondent, response=response)


def xlsx(consultation):
    target = io.BytesIO()
    exports.xlsx_write(exports.response_table(consultation), consultation, target)
    return load_workbook(io.BytesIO(target.getvalue()), read_only=True)


def long_answer(length: int) -> str:
    """Numbered words, Swedish letters and an emoji now and then (two UTF-16 units, as Excel counts)."""
    words = (f"ord{number:07d} åäö{'🌲' if number % 97 == 0 else ''} " for number in range(length))
    pieces = []
    total = 0
    for word in words:
        pieces.append(word)
        total += len(word)
        if total >= length:
            break
    text = "".join(pieces)[:length]
    assert len(text) == length
    return text


def test_the_xlsx_export_carries_a_million_character_answer_on_and_says_so(referral, respondent):
    text = long_answer(1_048_582)
    submitted(referral, respondent, text)

    workbook = xlsx(referral.consultation)

    assert workbook.sheetnames == ["Remissvar", "Fortsättning", "Frågor"]
    rows = list(workbook["Remissvar"].iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    column = next(index for index, title in enumerate(header) if title.startswith("Fråga 2, svar"))
    first_cell = row[column]
    note, first_part = first_cell.split("\n", 1)
    assert note.startswith("[Del 1 av 33: texten har 1\xa0048\xa0582 tecken och en cell rymmer högst 32\xa0767.")
    assert "”Fortsättning”, rad 2–33" in note and "CSV-exporten har hela texten" in note

    continued = list(workbook["Fortsättning"].iter_rows(values_only=True))
    assert continued[0] == ("Blad", "Rad", "Cell", "Del", "Text, fortsättning")
    letter = exports._column_letter(column + 1)
    assert all(r[:3] == ("Remissvar", 2, f"{letter}2: {header[column]}") for r in continued[1:])
    assert [r[3] for r in continued[1:]] == list(range(2, 34))
    assert first_part + "".join(r[4] for r in continued[1:]) == text

    for sheet in workbook.worksheets:
        for cells in sheet.iter_rows(values_only=True):
            for value in cells:
                if isinstance(value, str):
                    assert len(value.encode("utf-16-le")) // 2 <= exports.XLSX_CELL_MAX

    # The CSV has it whole, in one field.
    csv_text = b"".join(exports.csv_chunks(exports.response_table(referral.consultation))).decode("utf-8-sig")
    limit = csv.field_size_limit(2 * len(text))
    try:
        csv_rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    finally:
        csv.field_size_limit(limit)
    assert csv_rows[1][column] == text


def test_a_text_that_fills_a_cell_exactly_stays_in_it(referral, respondent):
    exactly_full = "x" * exports.XLSX_CELL_MAX
    submitted(referral, respondent, exactly_full)

    workbook = xlsx(referral.consultation)
    assert workbook.sheetnames == ["Remissvar", "Frågor"]
    assert exactly_full in next(workbook["Remissvar"].iter_rows(min_row=2, values_only=True))
