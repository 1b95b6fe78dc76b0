"""The coordinators' masking pages (/samordning/<pk>/publicering/): check every answer for personal data in the
background and follow the progress; per answer, the proposals with the text around each, to confirm, reject,
change or add to; a preview of the masked text and the masked PDF. Every change goes through `services`. The
consultation's coordinators only: to anyone else the consultation does not exist (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samrad.consultations.models import Consultation
from samrad.consultations.views.coordination import _page, managed
from samrad.publishing import selectors, services
from samrad.publishing.models import MaskingProposal, MaskingSpan


def _proposal(consultation: Consultation, receipt_number: str) -> MaskingProposal:
    proposal = selectors.proposal_for(consultation, receipt_number)
    if proposal is None:
        raise Http404
    return proposal


def _back(consultation: Consultation, receipt_number: str, anchor: str = "") -> HttpResponse:
    response = redirect("publishing:answer", pk=consultation.pk, receipt_number=receipt_number)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@never_cache
@managed
@require_GET
def overview(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return _page(
        request,
        "publishing/overview.html",
        consultation,
        answers=selectors.overview(consultation),
        latest=services.latest_run(consultation),
    )


@never_cache
@managed
@require_GET
def progress(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The progress box alone, for htmx to poll while a run is queued or running."""
    return render(
        request,
        "publishing/_progress.html",
        {"consultation": consultation, "latest": services.latest_run(consultation), "polled": True},
    )


@managed
@require_POST
def run_start(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    services.masking_run_start(actor=request.user, consultation=consultation)
    messages.success(request, _("The answers are being checked in the background. The page shows how far it has come."))
    return redirect("publishing:overview", pk=consultation.pk)


@never_cache
@managed
@require_GET
def answer(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponse:
    proposal = _proposal(consultation, receipt_number)
    return _page(
        request,
        "publishing/answer.html",
        consultation,
        review=selectors.answer_review(proposal),
        respondent=selectors.respondent_label(proposal.submission),
        kinds=MaskingSpan.Kind.choices,
    )


@managed
@require_POST
def span_decide(request: HttpRequest, consultation: Consultation, receipt_number: str, span_id: int) -> HttpResponse:
    proposal = _proposal(consultation, receipt_number)
    span = get_object_or_404(MaskingSpan.objects.select_related("text__proposal"), pk=span_id, text__proposal=proposal)
    decision = request.POST.get("decision")
    status = {"confirm": MaskingSpan.Status.CONFIRMED, "reject": MaskingSpan.Status.REJECTED}.get(decision or "")
    if status is None:
        messages.error(request, _("Choose to confirm or to reject."))
    else:
        services.span_decide(actor=request.user, span=span, status=status)
        messages.success(
            request,
            _("The masking is confirmed.")
            if status == MaskingSpan.Status.CONFIRMED
            else _("The proposal is rejected: the text stays."),
        )
    return _back(consultation, receipt_number, f"span-{span.pk}")


@managed
@require_POST
def span_change(request: HttpRequest, consultation: Consultation, receipt_number: str, span_id: int) -> HttpResponse:
    proposal = _proposal(consultation, receipt_number)
    span = get_object_or_404(MaskingSpan.objects.select_related("text__proposal"), pk=span_id, text__proposal=proposal)
    try:
        services.span_change(actor=request.user, span=span, value=request.POST.get("text", ""))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The masking has been changed and confirmed."))
    return _back(consultation, receipt_number, f"span-{span.pk}")


@managed
@require_POST
def span_add(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponse:
    proposal = _proposal(consultation, receipt_number)
    try:
        spans = services.span_add(
            actor=request.user, proposal=proposal, value=request.POST.get("text", ""), kind=request.POST.get("kind", "")
        )
    except ValidationError as error:
        _error(request, error)
        return _back(consultation, receipt_number, "add")
    messages.success(
        request,
        _("The text is masked in %(count)d places.") % {"count": len(spans)}
        if len(spans) > 1
        else _("The text is masked in one place."),
    )
    return _back(consultation, receipt_number, "add")


@managed
@require_POST
def confirm_all(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponse:
    proposal = _proposal(consultation, receipt_number)
    count = services.proposal_confirm_all(actor=request.user, proposal=proposal)
    messages.success(request, _("%(count)d proposals confirmed.") % {"count": count})
    return _back(consultation, receipt_number)


@managed
@require_POST
def mark_reviewed(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponse:
    proposal = _proposal(consultation, receipt_number)
    try:
        services.proposal_mark_reviewed(actor=request.user, proposal=proposal)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The answer is marked as reviewed."))
    return _back(consultation, receipt_number)


@never_cache
@managed
@require_GET
def masked(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponse:
    """The masked text of the answer as it will be published (confirmed spans masked)."""
    proposal = _proposal(consultation, receipt_number)
    try:
        parts = services.masked_parts(proposal)
    except services.TextChanged:
        messages.error(request, _("The answer's text has changed since it was checked. Check the answers again first."))
        return _back(consultation, receipt_number)
    review = selectors.answer_review(proposal)
    labelled = [(view.label, parts[view.row.key]) for view in review.texts if view.row.key in parts]
    return _page(
        request,
        "publishing/masked.html",
        consultation,
        proposal=proposal,
        respondent=selectors.respondent_label(proposal.submission),
        parts=labelled,
        pending=services.pending_count(proposal),
    )


@managed
@require_POST
def masked_pdf(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponseBase:
    """Render (or reuse) the masked PDF and send it."""
    proposal = _proposal(consultation, receipt_number)
    try:
        stored = services.masked_pdf_build(actor=request.user, proposal=proposal)
    except ValidationError as error:
        _error(request, error)
        return _back(consultation, receipt_number)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=services.masked_pdf_file_name(proposal),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
