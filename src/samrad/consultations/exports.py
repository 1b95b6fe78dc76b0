"""Exports of a consultation's answers for its coordinators: CSV, XLSX, and a ZIP of the attachments.

Each export holds every response's latest submission (a correction replaces the earlier version), one row per
respondent, with one column per question for the stance and one for the comment or free-text answer. The stance
is the answer's effective stance (SubmissionStance): the respondent's, or the one the senders set or corrected.

- CSV is UTF-8 with a byte-order mark and ';' between fields, the way Swedish Excel opens it without an import
  dialogue (Swedish Excel's list separator is ';' because ',' is the decimal comma). Rows end in CRLF; fields
  with a delimiter, a quote or a line break are quoted.
- XLSX has the answers on one sheet and the questions on another; dates are real dates in Swedish local time.
- Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a
  leading apostrophe in both formats, so that an answer such as "=HYPERLINK(...)" stays text.
- Nothing is cut off. A cell of a spreadsheet holds at most 32 767 characters; a longer text (an answer of a
  million characters has been seen) starts in its own cell with a note saying so and where the rest is, and goes
  on, in order, on the sheet "Continued" (one row per part, each naming the sheet, row and column it continues).
  The CSV has every text whole in one field.
- The ZIP has a folder per respondent with the answer itself as a PDF (once rendered, see submission_pdfs.py)
  and the attachments of its latest submission; files are copied into the
  archive in chunks, and the archive is built in a spooled temporary file, so memory use stays small whatever
  the number and size of the files.

Every export is recorded in the audit log (who exported what, in which format).
"""

import csv
import datetime as dt
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations.deadlines import local_zone
from samrad.consultations.models import (
    Consultation,
    Question,
    Response,
    ResponseSignatory,
    Stance,
    Submission,
    SubmissionStance,
)
from samrad.consultations.senders import sender_links
from samrad.documents.naming import download_name

CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Archives are built in memory up to this size, then on disk.
SPOOL_MAX_BYTES = 16 * 1024 * 1024
COPY_CHUNK_BYTES = 1024 * 1024
HEADER_QUESTION_CHARS = 120
MAX_FILE_NAME_CHARS = 120

Cell = str | int | dt.datetime | None


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 20


@dataclass(frozen=True)
class ResponseTable:
    columns: list[Column]
    rows: Iterable[list[Cell]]
    count: int

    @property
    def headers(self) -> list[str]:
        return [column.title for column in self.columns]


def neutralise(value: str) -> str:
    """Text that a spreadsheet would take for a formula, made plain text with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def latest_submissions(consultation: Consultation) -> QuerySet[Submission]:
    """The newest submission of every response to the consultation, in respondent-name order, with what the
    exports need joined or prefetched (a fixed number of queries, whatever the number of responses)."""
    newest = Submission.objects.filter(response=OuterRef("response")).order_by("-number").values("number")[:1]
    signatories = ResponseSignatory.objects.select_related("organisation").order_by("organisation__name")
    return (
        Submission.objects.filter(response__consultation=consultation, number=Subquery(newest))
        .select_related("response__organisation", "pdf")
        .prefetch_related(
            Prefetch("response__signatories", queryset=signatories),
            "attachments",
            Prefetch("stances", queryset=SubmissionStance.objects.filter(is_current=True), to_attr="current_stances"),
        )
        .annotate(sort_name=Coalesce("response__organisation__name", "response__respondent_name"))
        .order_by("sort_name", "response_id")
    )


def _local(instant: dt.datetime | None) -> dt.datetime | None:
    """A naive local time, as spreadsheets want it (they know no time zones)."""
    if instant is None:
        return None
    return timezone.localtime(instant, local_zone()).replace(tzinfo=None)


def respondent_name(submission: Submission) -> str:
    response = submission.response
    if response.organisation is not None:
        # The name the body had when it answered (Stockholms läns landsting before 2019).
        return response.organisation.name_on(submission.submitted_at)
    return response.respondent_name or f"#{response.pk}"


def _signatory_names(submission: Submission, unconfirmed: str) -> str:
    """The co-signers of a joint answer; `unconfirmed` marks those that have not confirmed it yet."""
    names = []
    for signatory in submission.response.signatories.all():
        name = signatory.organisation.name
        names.append(name if signatory.confirmed_at is not None else unconfirmed % {"name": name})
    return "; ".join(names)


def _question_columns(questions: Sequence[Question]) -> list[Column]:
    columns = []
    for number, question in enumerate(questions, start=1):
        text = " ".join(question.text.split())
        if len(text) > HEADER_QUESTION_CHARS:
            text = text[: HEADER_QUESTION_CHARS - 1].rstrip() + "…"
        if question.kind == Question.Kind.STANCE:
            stance = _("Question %(number)s, stance") % {"number": number}
            comment = _("Question %(number)s, comment") % {"number": number}
            columns.append(Column(f"{stance}: {text}", 24))
            columns.append(Column(f"{comment}: {text}", 60))
        else:
            answer = _("Question %(number)s, answer") % {"number": number}
            columns.append(Column(f"{answer}: {text}", 60))
    return columns


def response_table(consultation: Consultation) -> ResponseTable:
    """The answers as a table: respondent columns, then the questions' columns."""
    questions = list(consultation.questions.order_by("order", "id"))
    # The consultation's own numbers, the same on every row, so that a row filed alone still says what it answers.
    senders = [link for link in sender_links(consultation) if link.case_number]
    case_columns = [Column(_("Case number, %(name)s") % {"name": link.organisation.name}, 18) for link in senders]
    case_numbers: list[Cell] = [consultation.reference_number, *(link.case_number for link in senders)]
    columns = [
        Column(_("Organisation"), 30),
        Column(_("Kind of organisation"), 18),
        Column(_("Municipality code"), 10),
        Column(_("Channel"), 14),
        Column(_("Submitted"), 17),
        Column(_("Received"), 17),
        Column(_("Receipt number"), 30),
        Column(_("Version"), 8),
        Column(_("Their reference number"), 18),
        Column(_("Decided by"), 24),
        Column(_("Joint signatories"), 30),
        Column(_("Not on the referral list"), 10),
        Column(_("Reference number"), 18),
        *case_columns,
        *_question_columns(questions),
    ]
    submissions = latest_submissions(consultation)
    # Every text is translated now: the rows are made while a streaming response is sent, after the view.
    stance_labels = {value: str(label) for value, label in Stance.choices}
    channel_labels = {value: str(label) for value, label in Response.Channel.choices}
    not_registered, yes, unconfirmed = _("not in the register"), _("yes"), _("%(name)s (has not confirmed)")

    def rows() -> Iterator[list[Cell]]:
        for submission in submissions.iterator(chunk_size=500):
            response = submission.response
            organisation = response.organisation
            content: dict[str, Any] = submission.content or {}
            answers = {item.get("question_id"): item for item in content.get("answers", [])}
            # The effective stance: the respondent's, or the senders' reading of an answer registered from paper.
            stances = {row.question_id: row.stance for row in getattr(submission, "current_stances", [])}
            # A coordinator may register a paper answer for a body that had a draft: the submission says how.
            channel = str(content.get("channel") or response.channel)
            row: list[Cell] = [
                respondent_name(submission),
                organisation.kinds_display() if organisation is not None else not_registered,
                (organisation.municipality_code or "") if organisation is not None else "",
                channel_labels.get(channel, channel),
                _local(submission.submitted_at),
                _local(submission.received_at),
                submission.receipt_number,
                submission.number,
                str(content.get("their_reference", response.their_reference) or ""),
                str(content.get("decided_by", response.decided_by) or ""),
                _signatory_names(submission, unconfirmed),
                yes if response.is_unsolicited else "",
                *case_numbers,
            ]
            for question in questions:
                answer = answers.get(question.pk, {})
                if question.kind == Question.Kind.STANCE:
                    stance = stances.get(question.pk, "")
                    row.append(stance_labels.get(stance, stance))
                row.append(str(answer.get("text") or ""))
            yield row

    return ResponseTable(columns=columns, rows=rows(), count=submissions.count())


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


class _Echo:
    """A write target for csv.writer that hands back each line instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(table: ResponseTable) -> Iterator[bytes]:
    """The table as CSV bytes, a row at a time (for a streaming response), starting with the BOM."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield (CSV_BOM + writer.writerow([neutralise(title) for title in table.headers])).encode("utf-8")
    for row in table.rows:
        yield writer.writerow([_csv_text(value) for value in row]).encode("utf-8")


def _xlsx_text(value: str) -> str:
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


# The most text a cell holds (Excel, LibreOffice), counted in UTF-16 code units as Excel counts them.
XLSX_CELL_MAX = 32_767
# Room kept in a long text's first cell for the note that says where the rest is.
XLSX_NOTE_ROOM = 1_000


def _utf16_units(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _take(text: str, start: int, size: int) -> int:
    """Where a piece of `text` from `start`, at most `size` UTF-16 units long, ends (never inside a character)."""
    end = min(start + size, len(text))
    while (over := _utf16_units(text[start:end]) - size) > 0:
        end -= max(1, over // 2)
    return end


def _pieces(text: str, size: int) -> list[str]:
    """`text` cut in pieces of at most `size` UTF-16 units each."""
    pieces, start = [], 0
    while start < len(text):
        end = _take(text, start, size)
        pieces.append(text[start:end])
        start = end
    return pieces


def _number(value: int) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


class _Continuations:
    """The sheet that carries on texts too long for one cell, made when the first one needs it."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.sheet: Any = None
        self.title = _("Continued")
        self.rows = 1

    def cell_value(self, text: str, *, sheet_title: str, row: int, column: int, column_title: str) -> Any:
        """What the cell at (`row`, `column`) of `sheet_title` shows for `text`: the text itself, or, when it
        is too long for a cell, its first part after a note saying where the rest is (written here)."""
        if len(text) <= XLSX_CELL_MAX // 2 or _utf16_units(text) <= XLSX_CELL_MAX:
            return text
        split = _take(text, 0, XLSX_CELL_MAX - XLSX_NOTE_ROOM)
        first, parts = text[:split], _pieces(text[split:], XLSX_CELL_MAX)
        if self.sheet is None:
            self._start()
        first_row = self.rows + 1
        note = _(
            "[Part 1 of %(parts)s: this text has %(chars)s characters and a cell holds at most %(max)s. It goes on "
            "in order on the sheet “%(sheet)s”, rows %(first)s–%(last)s. The CSV export has the whole text in one "
            "field.]"
        ) % {
            "parts": len(parts) + 1,
            "chars": _number(len(text)),
            "max": _number(XLSX_CELL_MAX),
            "sheet": self.title,
            "first": first_row,
            "last": first_row + len(parts) - 1,
        }
        where = f"{_column_letter(column)}{row}: {column_title}"
        for number, part in enumerate(parts, start=2):
            cell = WriteOnlyCell(self.sheet, value=part)
            cell.data_type = "s"  # text, even when a part starts like a formula
            self.sheet.append([sheet_title, row, where, number, cell])
            self.rows += 1
        return f"{note}\n{first}"

    def _start(self) -> None:
        self.sheet = self.workbook.create_sheet(self.title)
        for letter, width in zip("ABCDE", (14, 8, 40, 8, 100), strict=True):
            self.sheet.column_dimensions[letter].width = width
        bold = Font(bold=True)
        titles = (_("Sheet"), _("Row"), _("Cell"), _("Part"), _("Text, continued"))
        header = []
        for title in titles:
            cell = WriteOnlyCell(self.sheet, value=title)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)


def xlsx_write(table: ResponseTable, consultation: Consultation, target: IO[bytes]) -> None:
    """Write the table as an XLSX workbook to `target`: the answers, and the questions on a second sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    bold = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(column.title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    continued = _Continuations(workbook)
    for row_number, row in enumerate(table.rows, start=2):
        cells: list[Any] = []
        for index, value in enumerate(row, start=1):
            if isinstance(value, dt.datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm"
                cells.append(cell)
            elif isinstance(value, str):
                cells.append(
                    continued.cell_value(
                        _xlsx_text(value),
                        sheet_title=sheet.title,
                        row=row_number,
                        column=index,
                        column_title=table.columns[index - 1].title,
                    )
                )
            else:
                cells.append(value)
        sheet.append(cells)
    questions_sheet = workbook.create_sheet(_("Questions"))
    questions_sheet.column_dimensions["A"].width = 8
    questions_sheet.column_dimensions["B"].width = 80
    questions_sheet.column_dimensions["C"].width = 20
    questions_sheet.column_dimensions["D"].width = 24
    questions_sheet.append(
        [
            WriteOnlyCell(questions_sheet, value=_xlsx_text(title))
            for title in (_("Number"), _("Question"), _("Section of the proposal"), _("Kind"))
        ]
    )
    question_title = _("Question")
    for number, question in enumerate(consultation.questions.order_by("order", "id"), start=1):
        text = continued.cell_value(
            _xlsx_text(question.text),
            sheet_title=questions_sheet.title,
            row=number + 1,
            column=2,
            column_title=question_title,
        )
        questions_sheet.append([number, text, _xlsx_text(question.section), _xlsx_text(question.get_kind_display())])
    workbook.save(target)


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{n}" for n in range(1, 10)} | {f"LPT{n}" for n in range(1, 10)}


def safe_file_name(name: str, *, fallback: str = "fil") -> str:
    """A file or folder name that is safe on every system: no path separators or parent references, no
    characters Windows refuses, no leading dots, at most MAX_FILE_NAME_CHARS characters (extension kept)."""
    cleaned = unicodedata.normalize("NFC", name)
    cleaned = _UNSAFE_IN_NAMES.sub("_", cleaned)
    cleaned = " ".join(cleaned.split()).strip(" .")
    if not cleaned or cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = f"{fallback}_{cleaned}" if cleaned else fallback
    if len(cleaned) > MAX_FILE_NAME_CHARS:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            cleaned = stem[: MAX_FILE_NAME_CHARS - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            cleaned = cleaned[:MAX_FILE_NAME_CHARS].rstrip(" .")
    return cleaned


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or "name (2).pdf", "name (3).pdf", ... if it is taken (compared ignoring case)."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{extension}"
    taken.add(candidate.lower())
    return candidate


@dataclass(frozen=True)
class ArchiveSummary:
    files: int
    bytes: int
    respondents: int


def attachments_zip_write(consultation: Consultation, target: IO[bytes]) -> ArchiveSummary:
    """Write every attachment of every latest submission to `target` as a ZIP, a folder per respondent."""
    folders: set[str] = set()
    files = total = respondents = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for submission in latest_submissions(consultation).iterator(chunk_size=200):
            attachments = sorted(submission.attachments.all(), key=lambda stored: (stored.uploaded_at, stored.pk))
            # The answer itself as a document (PDF/A), first in its folder, once rendered.
            if submission.pdf is not None:
                attachments.insert(0, submission.pdf)
            if not attachments:
                continue
            respondents += 1
            folder = _unique(safe_file_name(respondent_name(submission), fallback="svar"), folders)
            names: set[str] = set()
            stamp = _local(submission.submitted_at) or dt.datetime(1980, 1, 1)
            for stored in attachments:
                name = _unique(safe_file_name(download_name(stored), fallback=f"bilaga{stored.extension}"), names)
                info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = stored.size
                with stored.file.open("rb") as source, archive.open(info, "w") as sink:
                    shutil.copyfileobj(source, sink, COPY_CHUNK_BYTES)
                files += 1
                total += stored.size
    return ArchiveSummary(files=files, bytes=total, respondents=respondents)


def spooled_file() -> IO[bytes]:
    """A temporary file that stays in memory up to SPOOL_MAX_BYTES and moves to disk beyond that."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)


def export_record(*, actor: Actor, consultation: Consultation, export_format: str, details: dict[str, Any]) -> None:
    """Record in the audit log that `actor` exported the consultation's answers."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="consultation.exported",
            target=consultation,
            changes={"format": export_format, **details},
        )
