"""The "Sammanställning" page of a consultation for its coordinators: start the compilation once the
consultation has closed, write its summary, preview it, download it in four formats, and sign it off."""

import re

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samrad.audit.services import audit_record
from samrad.consultations.models import Consultation
from samrad.consultations.views.coordination import managed
from samrad.errors import ServiceError
from samrad.reports import documents, formats, selectors, services
from samrad.reports.forms import SummaryForm
from samrad.reports.models import Compilation, CompilationDocument
from samrad.ui.feedback import message_error, show_error


def _compilation(consultation: Consultation) -> Compilation:
    compilation = selectors.compilation_of(consultation)
    if compilation is None:
        raise Http404
    return compilation


def _page(
    request: HttpRequest, consultation: Consultation, compilation: Compilation | None, form: SummaryForm | None
) -> HttpResponse:
    if compilation is None and consultation.status != Consultation.Status.CLOSED:
        raise Http404
    content = selectors.document_content(compilation) if compilation is not None else None
    if compilation is not None and form is None:
        form = SummaryForm(initial={"summary": compilation.summary})
    pdf_in_background = content is not None and documents.written_in_background(content, "pdf")
    pdf_document = (
        documents.document_for(compilation, "pdf", documents.content_digest(content))
        if compilation is not None and content is not None and pdf_in_background
        else None
    )
    return render(
        request,
        "reports/compilation.html",
        {
            "consultation": consultation,
            "compilation": compilation,
            "content": content,
            "form": form,
            "formats": formats.FORMATS,
            "pdf_in_background": pdf_in_background,
            "pdf_document": pdf_document,
            "invitations": None,
        },
    )


@never_cache
@managed
@require_GET
def compilation_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return _page(request, consultation, selectors.compilation_of(consultation), None)


@managed
@require_POST
def compilation_start(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    try:
        services.compilation_start(actor=request.user, consultation=consultation)
    except ServiceError as error:
        message_error(request, error)
    return redirect("reports:compilation", pk=consultation.pk)


@managed
@require_POST
def compilation_summary(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    compilation = _compilation(consultation)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.compilation_summary_set(
                actor=request.user, compilation=compilation, summary=form.cleaned_data["summary"]
            )
        except ServiceError as error:
            show_error(form, error, "summary")
        else:
            messages.success(request, _("The summary is saved."))
            return redirect("reports:compilation", pk=consultation.pk)
    return _page(request, consultation, compilation, form)


@never_cache
@managed
@require_http_methods(["GET", "POST"])
def compilation_sign_off(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    compilation = _compilation(consultation)
    if compilation.is_signed_off:
        return redirect("reports:compilation", pk=consultation.pk)
    if request.method == "POST":
        try:
            services.compilation_sign_off(actor=request.user, compilation=compilation)
        except ServiceError as error:
            message_error(request, error)
        else:
            messages.success(request, _("The compilation is signed off. The consultation is now compiled."))
        return redirect("reports:compilation", pk=consultation.pk)
    try:
        services.themes_ready_or_refuse(consultation)
    except ServiceError as error:
        themes_problem = str(error)
    else:
        themes_problem = ""
    return render(
        request,
        "reports/sign_off.html",
        {
            "consultation": consultation,
            "compilation": compilation,
            "themes_problem": themes_problem,
            "invitations": None,
        },
    )


def _file_name(consultation: Consultation, extension: str) -> str:
    reference = re.sub(r"[^0-9A-Za-z]+", "-", consultation.reference_number).strip("-") or str(consultation.pk)
    return f"{reference}-{_('compilation')}.{extension}"


@never_cache
@managed
@require_GET
def compilation_download(request: HttpRequest, consultation: Consultation, file_format: str) -> HttpResponseBase:
    if file_format not in formats.FORMATS:
        raise Http404
    compilation = _compilation(consultation)
    content = selectors.document_content(compilation)
    stored: CompilationDocument | None = None
    if documents.written_in_background(content, file_format):
        digest = documents.content_digest(content)
        stored = documents.document_for(compilation, file_format, digest)
        if stored is None or stored.status != CompilationDocument.Status.READY:
            stored = documents.compilation_document_request(
                actor=request.user, compilation=compilation, file_format=file_format, digest=digest
            )
        if stored.status != CompilationDocument.Status.READY:
            messages.info(
                request,
                _(
                    "The PDF of a compilation this size takes some minutes to write. It is being prepared: this page "
                    "says when it is ready."
                ),
            )
            return redirect("reports:compilation", pk=consultation.pk)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="compilation.downloaded",
            target=compilation,
            changes={"format": file_format, "status": compilation.status},
        )
    file_name = _file_name(consultation, file_format)
    if stored is not None:
        response: HttpResponseBase = FileResponse(
            stored.file.open("rb"),
            as_attachment=True,
            filename=file_name,
            content_type=documents.CONTENT_TYPES[file_format],
        )
    else:
        data, content_type = formats.compilation_file(content, file_format)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
