"""Downloads of a consultation's answers for the coordinators who run it: CSV, XLSX and a ZIP of attachments.

Only managers of the consultation get them (anyone else: 404), and only once it has opened (a draft has no
answers). Each download is recorded in the audit log. See exports.py for the formats.
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from samrad.consultations import access, exports
from samrad.consultations.models import Consultation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _exportable(request: HttpRequest, pk: int) -> Consultation:
    consultation = access.consultation_get_managed(user=request.user, pk=pk)
    if consultation.status == Consultation.Status.DRAFT:
        raise Http404
    return consultation


def _file_name(consultation: Consultation, what: str, extension: str) -> str:
    """E.g. "SAM-2026-0007-remissvar.csv": the reference number in characters every system accepts."""
    reference = re.sub(r"[^0-9A-Za-z]+", "-", consultation.reference_number).strip("-") or str(consultation.pk)
    return f"{reference}-{what}.{extension}"


def _as_download(response: HttpResponse | StreamingHttpResponse | FileResponse, file_name: str) -> None:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    response["X-Content-Type-Options"] = "nosniff"


@never_cache
@login_required
@require_GET
def responses_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every respondent's latest answer as CSV (UTF-8 with BOM, ';'-separated), streamed row by row."""
    consultation = _exportable(request, pk)
    table = exports.response_table(consultation)
    exports.export_record(
        actor=request.user, consultation=consultation, export_format="csv", details={"responses": table.count}
    )
    response = StreamingHttpResponse(exports.csv_chunks(table), content_type="text/csv; charset=utf-8")
    _as_download(response, _file_name(consultation, _("responses"), "csv"))
    return response


@never_cache
@login_required
@require_GET
def responses_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """Every respondent's latest answer as an Excel workbook."""
    consultation = _exportable(request, pk)
    table = exports.response_table(consultation)
    target = exports.spooled_file()
    exports.xlsx_write(table, consultation, target)
    target.seek(0)
    exports.export_record(
        actor=request.user, consultation=consultation, export_format="xlsx", details={"responses": table.count}
    )
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    _as_download(response, _file_name(consultation, _("responses"), "xlsx"))
    return response


@never_cache
@login_required
@require_GET
def attachments_zip(request: HttpRequest, pk: int) -> FileResponse:
    """The attachments of every respondent's latest answer as one ZIP, a folder per respondent."""
    consultation = _exportable(request, pk)
    target = exports.spooled_file()
    summary = exports.attachments_zip_write(consultation, target)
    target.seek(0)
    exports.export_record(
        actor=request.user,
        consultation=consultation,
        export_format="zip",
        details={"files": summary.files, "bytes": summary.bytes, "respondents": summary.respondents},
    )
    response = FileResponse(target, content_type="application/zip")
    _as_download(response, _file_name(consultation, _("attachments"), "zip"))
    return response
