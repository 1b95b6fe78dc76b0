"""The coordinator's pages: their consultations, editing one (questions, documents, referral list), opening,
closing and reopening it, following answers on the dashboard, reminders, extensions, and registering answers
that came by other routes.

Thin views: forms parse, services change, selectors read. A consultation the user does not run is "not found"
(access.consultation_get_managed); the list and the create page are for coordinators only.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samrad.accounts.models import Membership
from samrad.accounts.selectors import organisations_for_user
from samrad.consultations import (
    access,
    extensions,
    referrals,
    reminders,
    responses,
    selectors,
    selectors_reading,
    services,
)
from samrad.consultations.closing import closing_warnings
from samrad.consultations.deadlines import effective_deadline, end_of_day, local_date
from samrad.consultations.forms.coordination import (
    BaseSenderFormSet,
    ConfirmForm,
    ConsultationForm,
    DashboardFilterForm,
    DocumentForm,
    ExtensionDecisionForm,
    ExtensionGrantForm,
    InvitationPreviewForm,
    LetterForm,
    QuestionForm,
    ReferralAddForm,
    ReferralSearchForm,
    RegisterAnswerForm,
    RegisterUnsolicitedForm,
    ReminderForm,
    ReopenForm,
    sender_formset,
    sender_initial,
)
from samrad.consultations.forms.reading import RemindAllForm
from samrad.consultations.invitations import (
    InvitationProgress,
    invitation_emails,
    invitation_progress,
    pending_invitations,
)
from samrad.consultations.letters import (
    consultation_letter_set,
    letter_can_change,
    letter_change_is_correction,
    letter_for,
)
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import Consultation, ConsultationDocument, ExtensionRequest, Question, Referral
from samrad.consultations.selectors_reading import NOT_ANSWERED
from samrad.consultations.senders import sender_links
from samrad.documents.inspection import FileRejected
from samrad.documents.naming import download_name
from samrad.errors import ServiceError
from samrad.ui import decorators as ui_decorators
from samrad.ui.feedback import message_error, show_error

View = Callable[..., HttpResponseBase]
ConsultationView = Callable[..., HttpResponseBase]

REFERRALS_PER_PAGE = 100
DASHBOARD_PER_PAGE = 200
CANDIDATES_SHOWN = 1000


# Anonymous visitors go to the login page; people who are not coordinators get a 403 page saying why.
coordinator_required = ui_decorators.coordinator_required(reason=gettext_lazy("Only coordinators run consultations."))


def managed(view: ConsultationView) -> View:
    """Resolve `pk` to a consultation the user runs (404 for anyone else) and pass it to the view."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        consultation = access.consultation_get_managed(user=request.user, pk=pk)
        return view(request, consultation, *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, template: str, consultation: Consultation, **context: Any) -> HttpResponse:
    return render(
        request,
        template,
        {
            "consultation": consultation,
            "can": {what: phase_allows(consultation, what) for what in _PHASE_ACTIONS},
            "invitations": _invitations_running(consultation),
            **context,
        },
    )


@dataclass(frozen=True)
class InvitationStatus:
    """The invitations' progress as the pages show it ("4 200 of 10 000", grouped as the language groups)."""

    progress: InvitationProgress

    @property
    def running(self) -> bool:
        return self.progress.running

    @property
    def done(self) -> int:
        return self.progress.done

    @property
    def total(self) -> int:
        return self.progress.total

    @property
    def invited(self) -> int:
        return self.progress.invited

    @property
    def unreachable(self) -> int:
        return self.progress.unreachable

    @property
    def done_text(self) -> str:
        return number_format(self.progress.done, force_grouping=True)

    @property
    def total_text(self) -> str:
        return number_format(self.progress.total, force_grouping=True)

    @property
    def invited_text(self) -> str:
        return number_format(self.progress.invited, force_grouping=True)

    @property
    def unreachable_text(self) -> str:
        return number_format(self.progress.unreachable, force_grouping=True)

    @property
    def percent(self) -> int:
        return self.progress.done * 100 // self.progress.total if self.progress.total else 100


def _invitations_running(consultation: Consultation) -> InvitationStatus | None:
    """The progress of the invitations while they are being sent (shown on every page of the consultation)."""
    if consultation.status != Consultation.Status.OPEN:
        return None
    progress = invitation_progress(consultation)
    return InvitationStatus(progress) if progress.running else None


def _confirm_remove(
    request: HttpRequest,
    consultation: Consultation,
    *,
    remove: Callable[[], None],
    done: str,
    heading: str,
    thing: str,
    button: str,
    back_url_name: str,
) -> HttpResponse:
    """GET: ask "remove this?"; POST: call `remove` (a service) and go back with its outcome as a message."""
    if request.method == "POST":
        try:
            remove()
        except (ValidationError, ServiceError) as error:
            message_error(request, error)
        else:
            messages.success(request, done)
        return redirect(back_url_name, pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/confirm_remove.html",
        consultation,
        heading=heading,
        thing=thing,
        button=button,
        back_url_name=back_url_name,
    )


_PHASE_ACTIONS = ("edit", "edit_list", "edit_questions", "edit_documents", "remind", "extend", "register_answer")


# --- My consultations ------------------------------------------------------------------------------------


@coordinator_required
@require_http_methods(["GET"])
def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = selectors.consultations_overview_for(request.user)
    return render(request, "consultations/coordination/list.html", {"consultations": consultations})


def _sender_details(formset: BaseSenderFormSet) -> list[services.SenderDetails]:
    return [
        services.SenderDetails(**{name: row[name] for name in ["organisation", *services.SENDER_DETAIL_FIELDS]})
        for row in formset.rows()
    ]


def _consultation_form_valid(request: HttpRequest, form: ConsultationForm, formset: BaseSenderFormSet) -> bool:
    """Both parts valid, and the request is a save (not "add a sender"). Problems with the senders' rows are
    named in the form's error summary too."""
    if request.method != "POST" or "add_sender" in request.POST:
        return False
    form_valid = form.is_valid()
    if formset.is_valid():
        return form_valid
    problems = list(formset.non_form_errors())
    if any(formset.errors):
        problems.append(_("Check the senders' rows below."))
    for problem in problems:
        form.add_error(None, problem)
    return False


@coordinator_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    own = organisations_for_user(request.user, role=Membership.Role.COORDINATOR)
    form = ConsultationForm(request.POST or None)
    formset = sender_formset(
        request.POST or None, initial=[{"organisation": pk} for pk in own.values_list("pk", flat=True)]
    )
    if _consultation_form_valid(request, form, formset):
        try:
            consultation = services.consultation_create(
                actor=request.user, senders=_sender_details(formset), **form.service_data()
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The consultation was created with reference number %(number)s.")
                % {"number": consultation.reference_number},
            )
            _warn_if_short(request, consultation)
            return redirect("coordination:detail", pk=consultation.pk)
    return render(
        request, "consultations/coordination/form.html", {"form": form, "senders": formset, "consultation": None}
    )


def _warn_if_short(request: HttpRequest, consultation: Consultation) -> None:
    warning = services.remiss_time_warning(consultation)
    if warning:
        messages.warning(request, warning)


@managed
@require_http_methods(["GET"])
def consultation_detail(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    return _page(
        request,
        "consultations/coordination/detail.html",
        consultation,
        sender_links=sender_links(consultation),
        letter=letter_for(consultation),
        letter_pdf_url=reverse("consultations:letter_pdf", args=[consultation.pk]),
        can_change_letter=letter_can_change(consultation),
        warning=services.remiss_time_warning(consultation),
        question_count=consultation.questions.count(),
        document_count=consultation.documents.count(),
        referral_count=consultation.referrals.count(),
        history=consultation.status_changes.select_related("actor"),
    )


@managed
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    if not phase_allows(consultation, "edit"):
        messages.error(
            request,
            _("A consultation that is %(status)s cannot be changed.") % {"status": consultation.get_status_display()},
        )
        return redirect("coordination:detail", pk=consultation.pk)
    form = ConsultationForm(request.POST or None, initial=ConsultationForm.initial_for(consultation))
    formset = sender_formset(request.POST or None, initial=sender_initial(consultation))
    if _consultation_form_valid(request, form, formset):
        try:
            with transaction.atomic():  # the text and the senders are saved together or not at all
                services.consultation_update(actor=request.user, consultation=consultation, **form.service_data())
                services.consultation_set_senders(
                    actor=request.user, consultation=consultation, senders=_sender_details(formset)
                )
        except ServiceError as error:
            show_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The changes were saved."))
            _warn_if_short(request, consultation)
            return redirect("coordination:detail", pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/form.html",
        consultation,
        form=form,
        senders=formset,
        warning=services.remiss_time_warning(consultation),
    )


# --- The covering letter and the invitation's preview ----------------------------------------------------


@managed
@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Write the covering letter (a draft), or correct it once sent (recorded and shown as a correction)."""
    if not letter_can_change(consultation):
        messages.error(
            request,
            _("The covering letter of a consultation that is %(status)s cannot be changed.")
            % {"status": consultation.get_status_display()},
        )
        return redirect("coordination:detail", pk=consultation.pk)
    form = LetterForm(request.POST or None, initial={"letter": consultation.letter})
    if request.method == "POST" and form.is_valid():
        try:
            consultation_letter_set(actor=request.user, consultation=consultation, letter=form.cleaned_data["letter"])
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The covering letter was saved."))
            return redirect("coordination:detail", pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/letter.html",
        consultation,
        form=form,
        letter=letter_for(consultation),
        correction=letter_change_is_correction(consultation),
    )


@managed
@require_http_methods(["GET"])
def invitation_preview(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """What one referral body will receive when the consultation opens: the registry's e-mail exactly as it
    will be sent (built by the same function as sending), and who gets a personal version."""
    form = InvitationPreviewForm(request.GET or None, consultation=consultation)
    referral = form.chosen() if form.is_bound and form.is_valid() else form.first_referral()
    emails = invitation_emails(consultation, referral, preview=True) if referral else []
    registry = next((email for email in emails if not email.personal), None)
    return _page(
        request,
        "consultations/coordination/invitation_preview.html",
        consultation,
        form=form,
        referral=referral,
        registry=registry,
        rendered=registry.render() if registry else None,
        personal=[email for email in emails if email.personal],
    )


# --- Questions -------------------------------------------------------------------------------------------


def _question(consultation: Consultation, question_pk: int) -> Question:
    return get_object_or_404(Question, pk=question_pk, consultation=consultation)


@managed
@require_http_methods(["GET", "POST"])
def question_list(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(actor=request.user, consultation=consultation, **form.cleaned_data)
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The question was added."))
            return redirect("coordination:questions", pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/questions.html",
        consultation,
        form=form,
        questions=consultation.questions.order_by("order", "id"),
    )


@managed
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, consultation: Consultation, question_pk: int) -> HttpResponse:
    question = _question(consultation, question_pk)
    initial = {name: getattr(question, name) for name in ("text", "kind", "section", "help_text")}
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question=question, **form.cleaned_data)
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("coordination:questions", pk=consultation.pk)
    return _page(request, "consultations/coordination/question_form.html", consultation, form=form, question=question)


@managed
@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, consultation: Consultation, question_pk: int) -> HttpResponse:
    question = _question(consultation, question_pk)
    return _confirm_remove(
        request,
        consultation,
        remove=lambda: services.question_remove(actor=request.user, question=question),
        done=_("The question was removed."),
        heading=_("Remove the question?"),
        thing=question.text,
        button=_("Remove the question"),
        back_url_name="coordination:questions",
    )


@managed
@require_POST
def question_move(request: HttpRequest, consultation: Consultation, question_pk: int) -> HttpResponse:
    question = _question(consultation, question_pk)
    try:
        services.question_move(actor=request.user, question=question, up=request.POST.get("direction") == "up")
    except ServiceError as error:
        message_error(request, error)
    return redirect("coordination:questions", pk=consultation.pk)


# --- Documents -------------------------------------------------------------------------------------------


def _document(consultation: Consultation, document_pk: int) -> ConsultationDocument:
    return get_object_or_404(
        ConsultationDocument.objects.select_related("file"), pk=document_pk, consultation=consultation
    )


@managed
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_add(
                actor=request.user,
                consultation=consultation,
                title=form.cleaned_data["title"],
                stream=upload,
                filename=upload.name,
            )
        except FileRejected as error:
            show_error(form, error, "file")
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The document was added."))
            return redirect("coordination:documents", pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/documents.html",
        consultation,
        form=form,
        documents=consultation.documents.select_related("file").order_by("order", "id"),
    )


@managed
@require_http_methods(["GET"])
def document_download(request: HttpRequest, consultation: Consultation, document_pk: int) -> FileResponse:
    stored = _document(consultation, document_pk).file
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=download_name(stored), content_type=stored.content_type
    )


@managed
@require_http_methods(["GET", "POST"])
def document_remove(request: HttpRequest, consultation: Consultation, document_pk: int) -> HttpResponse:
    document = _document(consultation, document_pk)
    return _confirm_remove(
        request,
        consultation,
        remove=lambda: services.document_remove(actor=request.user, document=document),
        done=_("The document was removed."),
        heading=_("Remove the document?"),
        thing=document.title,
        button=_("Remove the document"),
        back_url_name="coordination:documents",
    )


# --- Referral list ---------------------------------------------------------------------------------------


@managed
@require_http_methods(["GET"])
def referral_list(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    rows = (
        Referral.objects.filter(consultation=consultation)
        .select_related("organisation", "organisation__county")
        .order_by("organisation__name", "pk")
    )
    page = Paginator(rows, REFERRALS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "consultations/coordination/referrals.html", consultation, page_obj=page)


@managed
@require_http_methods(["GET", "POST"])
def referral_add(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    search = ReferralSearchForm(request.GET or None)
    candidates: QuerySet[Any] | None = None
    if search.is_bound and search.is_valid():
        candidates = referrals.referral_candidates(**search.criteria()).exclude(referrals__consultation=consultation)
    form = ReferralAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        own_deadline = form.cleaned_data["own_deadline"]
        try:
            added = referrals.referral_add(
                actor=request.user,
                consultation=consultation,
                organisations=list(form.cleaned_data["organisations"]),
                deadline_override=end_of_day(own_deadline) if own_deadline else None,
            )
        except ValidationError as error:
            show_error(form, error, "own_deadline")
        except ServiceError as error:
            show_error(form, error)
        else:
            if consultation.status == Consultation.Status.OPEN:
                text = ngettext(
                    "%(count)d organisation was added to the list. Its invitation is being sent.",
                    "%(count)d organisations were added to the list. Their invitations are being sent.",
                    len(added),
                )
            else:
                text = ngettext(
                    "%(count)d organisation was added to the list.",
                    "%(count)d organisations were added to the list.",
                    len(added),
                )
            messages.success(request, text % {"count": len(added)})
            return redirect("coordination:referrals", pk=consultation.pk)
    shown = list(candidates[: CANDIDATES_SHOWN + 1]) if candidates is not None else None
    chosen = set(request.POST.getlist("organisations")) if form.is_bound else None
    return _page(
        request,
        "consultations/coordination/referral_add.html",
        consultation,
        search=search,
        form=form,
        candidates=shown[:CANDIDATES_SHOWN] if shown is not None else None,
        too_many=shown is not None and len(shown) > CANDIDATES_SHOWN,
        shown_max=CANDIDATES_SHOWN,
        chosen=chosen,
        is_open=consultation.status == Consultation.Status.OPEN,
    )


@managed
@require_http_methods(["GET", "POST"])
def referral_remove(request: HttpRequest, consultation: Consultation, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.select_related("organisation"), pk=referral_pk, consultation=consultation
    )
    return _confirm_remove(
        request,
        consultation,
        remove=lambda: referrals.referral_remove(actor=request.user, referral=referral),
        done=_("%(name)s was taken off the list.") % {"name": referral.organisation.name},
        heading=_("Take the organisation off the referral list?"),
        thing=referral.organisation.name,
        button=_("Take it off the list"),
        back_url_name="coordination:referrals",
    )


# --- Lifecycle -------------------------------------------------------------------------------------------


UNREACHABLE_SHOWN = 50


@managed
@require_http_methods(["GET", "POST"])
def consultation_open(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_open(actor=request.user, consultation=consultation)
        except ServiceError as error:
            show_error(form, error)
        else:
            to_invite = pending_invitations(consultation).count()
            if to_invite:
                text = ngettext(
                    "The consultation is open. The invitation to %(count)d referral body is being sent.",
                    "The consultation is open. The invitations to %(count)d referral bodies are being sent.",
                    to_invite,
                ) % {"count": to_invite}
            else:
                text = _("The consultation is open.")
            messages.success(request, text)
            return redirect("coordination:dashboard", pk=consultation.pk)
    pending = pending_invitations(consultation)
    unreachable = (
        pending.filter(organisation__registry_email="", organisation__contacts__isnull=True)
        .exclude(organisation__memberships__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    shown = list(unreachable[: UNREACHABLE_SHOWN + 1])
    return _page(
        request,
        "consultations/coordination/open.html",
        consultation,
        form=form,
        invite_count=pending.count(),
        unreachable=shown[:UNREACHABLE_SHOWN],
        unreachable_more=unreachable.count() - UNREACHABLE_SHOWN if len(shown) > UNREACHABLE_SHOWN else 0,
        question_count=consultation.questions.count(),
        warning=services.remiss_time_warning(consultation),
    )


@managed
@require_http_methods(["GET"])
def invitation_status(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The progress of the invitations as a fragment, polled by the pages while they are being sent."""
    progress = invitation_progress(consultation) if consultation.status == Consultation.Status.OPEN else None
    return render(
        request,
        "consultations/coordination/_invitations.html",
        {
            "consultation": consultation,
            "invitations": InvitationStatus(progress) if progress and progress.total else None,
            "polled": True,
        },
    )


@managed
@require_http_methods(["GET", "POST"])
def consultation_close(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_close(actor=request.user, consultation=consultation, note=form.cleaned_data["note"])
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The consultation is closed."))
            return redirect("coordination:detail", pk=consultation.pk)
    dashboard = selectors.referral_dashboard(consultation)
    return _page(
        request,
        "consultations/coordination/close.html",
        consultation,
        form=form,
        dashboard=dashboard,
        warnings=closing_warnings(consultation),
    )


@managed
@require_http_methods(["GET", "POST"])
def consultation_reopen(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_reopen(
                actor=request.user,
                consultation=consultation,
                new_deadline=end_of_day(form.cleaned_data["deadline"]),
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The consultation is open again."))
            return redirect("coordination:dashboard", pk=consultation.pk)
    return _page(request, "consultations/coordination/reopen.html", consultation, form=form)


# --- Dashboard, reminders and extensions ----------------------------------------------------------------


@managed
@require_http_methods(["GET"])
def dashboard(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    filters = DashboardFilterForm(request.GET or None)
    status = q = None
    if filters.is_valid():
        status, q = filters.cleaned_data["status"] or None, filters.cleaned_data["q"] or None
    board = selectors.referral_dashboard(consultation, status=None if status == NOT_ANSWERED else status, q=q)
    if status == NOT_ANSWERED:
        waiting = board.rows.exclude(status__in=selectors.ANSWERED).order_by(
            F("effective_deadline"), "organisation__name"
        )
        board = replace(board, rows=waiting)
    page = Paginator(board.rows, DASHBOARD_PER_PAGE).get_page(request.GET.get("page"))
    overview = selectors_reading.answers_overview(consultation, [row.pk for row in page.object_list])
    for row in page.object_list:  # every answered row opens its answer
        row.answer_receipt = overview.receipts.get(row.pk)  # type: ignore[attr-defined]
    template = "consultations/coordination/dashboard.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return _page(
        request,
        template,
        consultation,
        filters=filters,
        dashboard=board,
        page_obj=page,
        reminder_form=ReminderForm(consultation=consultation),
        overview=overview,
        remind_all_form=RemindAllForm(),
    )


@managed
@require_POST
def remind(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = ReminderForm(request.POST, consultation=consultation)
    if not form.is_valid():
        for errors in form.errors.as_data().values():
            for error in errors:
                messages.error(request, " ".join(error.messages))
        return redirect("coordination:dashboard", pk=consultation.pk)
    try:
        count = reminders.reminder_send_manual(
            actor=request.user,
            consultation=consultation,
            referrals=list(form.cleaned_data["referrals"]),
            message=form.cleaned_data["message"],
        )
    except (ValidationError, ServiceError) as error:
        message_error(request, error)
    else:
        skipped = len(form.cleaned_data["referrals"]) - count
        text = ngettext("A reminder was sent to %(count)d body.", "Reminders were sent to %(count)d bodies.", count)
        messages.success(request, text % {"count": count})
        if skipped:
            messages.info(
                request,
                ngettext(
                    "%(count)d body was not reminded: it has answered or declined, or cannot be reached.",
                    "%(count)d bodies were not reminded: they have answered or declined, or cannot be reached.",
                    skipped,
                )
                % {"count": skipped},
            )
    return redirect("coordination:dashboard", pk=consultation.pk)


@managed
@require_http_methods(["GET", "POST"])
def extension_direct(request: HttpRequest, consultation: Consultation, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.select_related("organisation"), pk=referral_pk, consultation=consultation
    )
    form = ExtensionGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extensions.extension_grant_direct(
                actor=request.user,
                referral=referral,
                deadline=form.cleaned_data["deadline"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, ServiceError) as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s has until %(date)s to answer.")
                % {"name": referral.organisation.name, "date": _day(form.cleaned_data["deadline"])},
            )
            return redirect("coordination:dashboard", pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/extension_direct.html",
        consultation,
        form=form,
        referral=referral,
        current_deadline=effective_deadline(referral, consultation),
    )


@managed
@require_http_methods(["GET", "POST"])
def extension_decide(request: HttpRequest, consultation: Consultation, request_pk: int) -> HttpResponse:
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related("referral__organisation", "requested_by"),
        pk=request_pk,
        referral__consultation=consultation,
    )
    initial = {"deadline": local_date(extension.requested_deadline)} if extension.requested_deadline else {}
    form = ExtensionDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and extension.status != ExtensionRequest.Status.PENDING:
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        name = extension.referral.organisation.name
        try:
            if data["decision"] == ExtensionDecisionForm.GRANT:
                extensions.extension_grant(
                    actor=request.user, request=extension, deadline=data["deadline"], note=data["note"]
                )
                text = _("%(name)s has until %(date)s to answer.") % {"name": name, "date": _day(data["deadline"])}
            else:
                extensions.extension_refuse(actor=request.user, request=extension, note=data["note"])
                text = _("The request from %(name)s was refused.") % {"name": name}
        except (ValidationError, ServiceError) as error:
            show_error(form, error)
        else:
            messages.success(request, text)
            return redirect("coordination:dashboard", pk=consultation.pk)
    return _page(
        request,
        "consultations/coordination/extension_decide.html",
        consultation,
        form=form,
        extension=extension,
        referral=extension.referral,
        current_deadline=effective_deadline(extension.referral, consultation),
    )


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


# --- Answers that came by other routes -------------------------------------------------------------------


@managed
@require_http_methods(["GET", "POST"])
def register_answer(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = RegisterAnswerForm(request.POST or None, request.FILES or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            submission = responses.response_register_on_behalf(
                actor=request.user, consultation=consultation, organisation=organisation, **form.service_data()
            )
        except FileRejected as error:
            show_error(form, error, "file")
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The answer from %(name)s was registered with receipt number %(number)s.")
                % {"name": organisation.name, "number": submission.receipt_number},
            )
            return redirect("coordination:dashboard", pk=consultation.pk)
    return _page(request, "consultations/coordination/register.html", consultation, form=form, unsolicited=False)


@managed
@require_http_methods(["GET", "POST"])
def register_unsolicited(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = RegisterUnsolicitedForm(request.POST or None, request.FILES or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            submission = responses.response_register_unsolicited(
                actor=request.user, consultation=consultation, **form.service_data()
            )
        except FileRejected as error:
            show_error(form, error, "file")
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The unsolicited answer was registered with receipt number %(number)s.")
                % {"number": submission.receipt_number},
            )
            return redirect("coordination:detail", pk=consultation.pk)
    return _page(request, "consultations/coordination/register.html", consultation, form=form, unsolicited=True)
