"""Public and respondent pages (mounted at /remisser/). Forms parse, services act, selectors read; anything the
user may not see is 404.

The answer page works with and without JavaScript: each answer saves itself through htmx (the autosave views
return a small status fragment, or the question re-drawn with both versions when a colleague saved first), and
the whole form can be saved with one ordinary POST, with the same conflict check for every answer.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from samrad.actors import DELEGATE
from samrad.consultations import access, responses, selectors_responses
from samrad.consultations.extensions import extension_request
from samrad.consultations.forms.respond import (
    KEEP_MINE,
    KEEP_THEIRS,
    MERGE,
    AnswerForm,
    AttachmentForm,
    DeclineForm,
    ExtensionRequestForm,
    ResponseDetailsForm,
    SignatoryInviteForm,
    SignatorySearchForm,
    SubmitForm,
)
from samrad.consultations.letters import letter_for, letter_pdf
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import Answer, Question, ResponseSignatory, Stance
from samrad.consultations.responses import ConflictError, DetailsConflictError, ResponseError
from samrad.consultations.selectors_responses import RespondTarget
from samrad.documents.inspection import FileRejected
from samrad.documents.models import StoredFile
from samrad.documents.naming import download_name
from samrad.errors import ServiceError
from samrad.ui.feedback import show_error

PAGE_SIZE = 20
RESPOND_TEMPLATE = "consultations/respond/page.html"


def _file_response(stored: StoredFile) -> FileResponse:
    """Stream a stored file through the storage API, as a download with its checked content type."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(stored), content_type=stored.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Public pages ----------------------------------------------------------------------------------------


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors_responses.consultation_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    consultations = list(page.object_list)
    actions = selectors_responses.calls_to_action(user=request.user, consultations=consultations)
    rows = [(c, actions.get(c.pk, [])) for c in consultations]
    return render(request, "consultations/public/list.html", {"page_obj": page, "rows": rows})


@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = selectors_responses.consultation_get_for_page(user=request.user, pk=pk)
    actions = selectors_responses.calls_to_action(user=request.user, consultations=[consultation])
    return render(
        request,
        "consultations/public/detail.html",
        {
            "consultation": consultation,
            "actions": actions.get(consultation.pk, []),
            "letter": letter_for(consultation),
            "letter_pdf_url": reverse("consultations:letter_pdf", args=[consultation.pk]),
        },
    )


@require_GET
def letter_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The covering letter as a tagged PDF/A document, for whoever may read the consultation."""
    consultation = access.consultation_get_visible(user=request.user, pk=pk)
    response = HttpResponse(letter_pdf(consultation), content_type="application/pdf")
    filename = f"missiv-{slugify(consultation.reference_number) or consultation.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    document = selectors_responses.document_get_for_user(user=request.user, consultation_pk=pk, document_pk=document_pk)
    return _file_response(document.file)


@login_required
@require_GET
def my_consultations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/respond/mine.html",
        {
            "rows": selectors_responses.my_referrals(user=request.user),
            "cosign_requests": selectors_responses.my_cosign_requests(user=request.user),
        },
    )


# --- The answer page -------------------------------------------------------------------------------------


@dataclass
class QuestionBlock:
    """One question on the answer page: its form, and when a colleague saved first, both versions."""

    question: Question
    form: AnswerForm
    answer: Answer | None = None
    conflict: ConflictError | None = None
    saved_now: bool = False
    # The person did not change the answer: nothing was written. `stale`: a colleague has saved a newer one.
    unchanged: bool = False
    stale: bool = False
    # A conflict was just settled ("mine" or "theirs").
    resolved: str = ""
    error: str = ""
    number: int = 0

    @property
    def outcome(self) -> str:
        """What the save did, for the page's script (the X-Autosave header)."""
        if self.error:
            return "refused"
        if self.conflict:
            return "conflict"
        if self.resolved:
            return f"resolved-{self.resolved}"
        return "unchanged" if self.unchanged else "saved"


@dataclass
class DetailsBlock:
    """The reference number and deciding body after a save: the form to show, and a conflict if any."""

    form: ResponseDetailsForm
    conflict: DetailsConflictError | None = None
    saved_now: bool = False
    unchanged: bool = False
    resolved: str = ""
    # After an autosave: the fingerprints the page should now carry (only of fields whose box shows what is
    # stored; a field a colleague changed and this person did not keeps what they loaded).
    loaded: dict[str, str] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        if self.form.errors:
            return "refused"
        if self.conflict:
            return "conflict"
        if self.resolved:
            return f"resolved-{self.resolved}"
        return "unchanged" if self.unchanged else "saved"


def _blocks(target: RespondTarget, answers: dict[int, Answer]) -> list[QuestionBlock]:
    return [
        QuestionBlock(
            question=q, form=AnswerForm.for_answer(q, answers.get(q.pk)), answer=answers.get(q.pk), number=number
        )
        for number, q in enumerate(target.consultation.questions.all(), start=1)
    ]


def _conflict_block(
    question: Question, conflict: ConflictError, form: AnswerForm, text: str | None = None
) -> QuestionBlock:
    """The question re-drawn for a conflict: the box holds the user's text (or `text`), `version` and `loaded`
    stay what the user loaded (so a plain save of the page meets the same conflict again), and
    `theirs_version` is the stored version shown: only "keep mine" saves on top of it."""
    data = form.cleaned_data
    initial = {
        "stance": conflict.yours.stance,
        "text": conflict.yours.text if text is None else text,
        "version": data["version"],
        "loaded": data.get("loaded") or "",
        "theirs_version": conflict.theirs.version,
    }
    return QuestionBlock(question=question, form=AnswerForm(question=question, initial=initial), conflict=conflict)


def _page_context(
    request: HttpRequest,
    target: RespondTarget,
    *,
    blocks: list[QuestionBlock] | None = None,
    details: DetailsBlock | None = None,
    attachment_form: AttachmentForm | None = None,
) -> dict[str, Any]:
    draft = selectors_responses.draft_view(target.response)
    status = (
        selectors_responses.referral_status(target.referral, target.consultation) if target.referral is not None else ""
    )
    return {
        "target": target,
        "consultation": target.consultation,
        "organisation": target.organisation,
        "referral": target.referral,
        "response": target.response,
        "status": status,
        "status_label": selectors_responses.referral_status_label(status) if status else "",
        "deadline": target.deadline,
        "can_edit": target.can_edit,
        "can_submit": target.can_submit(),
        "blocks": blocks if blocks is not None else _blocks(target, draft.answers),
        "details_form": details.form if details else ResponseDetailsForm.for_response(target.response),
        "details_conflict": details.conflict if details else None,
        "attachment_form": attachment_form or AttachmentForm(),
        "draft": draft,
        # Lazy: one EXISTS query when the section is shown; the candidates themselves are found by searching.
        "cosigner_candidates": selectors_responses.signatory_candidates(target=target),
        "cosigner_search": SignatorySearchForm(),
        "extension_requests": selectors_responses.extension_requests_for(target.referral),
        "may_pass_on": target.referral is not None and request.user.has_perm(DELEGATE, target.organisation),
    }


def _target(request: HttpRequest, pk: int, organisation_pk: int) -> RespondTarget:
    return selectors_responses.respond_target(user=request.user, consultation_pk=pk, organisation_pk=organisation_pk)


def _draft(request: HttpRequest, target: RespondTarget) -> Any:
    if target.response is None:
        target.response = responses.response_get_or_create_draft(
            actor=request.user, consultation=target.consultation, organisation=target.organisation
        )
        target.response.consultation = target.consultation
        target.response.organisation = target.organisation
    return target.response


def _stored_answer(target: RespondTarget, question: Question) -> Answer | None:
    if target.response is None:
        return None
    return Answer.objects.select_related("updated_by").filter(response=target.response, question=question).first()


def _merged(theirs: str, yours: str) -> str:
    """Both texts in one box, theirs first, for the person to edit into one."""
    if not theirs.strip() or theirs.strip() == yours.strip():
        return yours
    if not yours.strip():
        return theirs
    return f"{theirs.rstrip()}\n\n{yours.lstrip()}"


def _save_question(request: HttpRequest, target: RespondTarget, question: Question) -> QuestionBlock:
    """Save one question from the POST, if the person changed it; the block says how it went."""
    prefix = f"q{question.pk}"
    resolution = request.POST.get(f"{prefix}-resolution", "")
    if resolution == KEEP_THEIRS:
        answer = _stored_answer(target, question)
        return QuestionBlock(
            question=question, form=AnswerForm.for_answer(question, answer), answer=answer, resolved=KEEP_THEIRS
        )
    form = AnswerForm(request.POST, question=question)
    if not form.is_valid():
        return QuestionBlock(question=question, form=form, error=_("The answer could not be read. Try again."))
    stance, text, version = form.values()
    loaded = form.cleaned_data.get("loaded") or ""
    theirs_version: int | None = form.cleaned_data.get("theirs_version")
    if resolution in (MERGE, KEEP_MINE) and theirs_version is None:
        return QuestionBlock(question=question, form=form, error=_("The answer could not be read. Try again."))
    if resolution == MERGE:
        theirs = responses.answer_state(_stored_answer(target, question))
        yours = responses.AnswerState(stance=stance, text=text, version=version)
        conflict = ConflictError(question=question, theirs=theirs, yours=yours)
        return _conflict_block(question, conflict, form, text=_merged(theirs.text, text))
    base_version = version
    if resolution == KEEP_MINE and theirs_version is not None:
        # Explicitly on top of the stored version the conflict showed (a newer one is a new conflict).
        base_version, loaded = theirs_version, ""
    elif responses.answer_unchanged(question=question, stance=stance, text=text, loaded=loaded):
        answer = _stored_answer(target, question)
        return QuestionBlock(
            question=question,
            form=AnswerForm.for_answer(question, answer),
            answer=answer,
            unchanged=True,
            stale=(answer.version if answer else 0) != version,
        )
    if target.response is None and not stance and not text.strip():
        return QuestionBlock(question=question, form=AnswerForm.for_answer(question, None), unchanged=True)
    try:
        answer = responses.answer_save(
            actor=request.user,
            response=_draft(request, target),
            question=question,
            stance=stance,
            text=text,
            base_version=base_version,
            loaded=loaded or None,
        )
    except ConflictError as conflict:
        return _conflict_block(question, conflict, form)
    except ResponseError as error:
        return QuestionBlock(question=question, form=form, error=error.message)
    return QuestionBlock(
        question=question,
        form=AnswerForm.for_answer(question, answer),
        answer=answer,
        saved_now=bool(answer.pk),
        resolved=KEEP_MINE if resolution == KEEP_MINE else "",
    )


def _details_conflict_form(form: ResponseDetailsForm, conflict: DetailsConflictError) -> ResponseDetailsForm:
    """The details re-drawn for a conflict, as _conflict_block does for an answer. A field only the colleague
    changed shows their value, and counts as loaded with it."""
    data = form.cleaned_data
    initial = {
        "their_reference": conflict.yours.their_reference,
        "decided_by": conflict.yours.decided_by,
        "version": data["version"],
        "theirs_version": conflict.theirs.version,
    }
    for name in responses.DETAILS_FIELDS:
        sent = responses.fingerprint(getattr(conflict.yours, name))
        loaded = data.get(f"loaded_{name}") or ""
        changed_by_them = name not in conflict.fields and sent == responses.fingerprint(getattr(conflict.theirs, name))
        initial[f"loaded_{name}"] = sent if changed_by_them else loaded
    return ResponseDetailsForm(initial=initial)


def _save_details(request: HttpRequest, target: RespondTarget) -> DetailsBlock:
    resolution = request.POST.get("details-resolution", "")
    if resolution == KEEP_THEIRS:
        if target.response is not None:
            target.response.refresh_from_db()
        return DetailsBlock(form=ResponseDetailsForm.for_response(target.response), resolved=KEEP_THEIRS)
    form = ResponseDetailsForm(request.POST)
    if not form.is_valid():
        return DetailsBlock(form=form)
    data = form.cleaned_data
    base_version, loaded = data["version"], form.loaded()
    if resolution == KEEP_MINE:
        if data.get("theirs_version") is None:
            form.add_error(None, _("The form could not be read. Try again."))
            return DetailsBlock(form=form)
        base_version, loaded = data["theirs_version"], {}
    sent = responses.details_clean(data["their_reference"], data["decided_by"])
    unchanged = len(loaded) == len(sent) and all(
        responses.fingerprint(value) == loaded[name] for name, value in sent.items()
    )
    if unchanged or (target.response is None and not any(value.strip() for value in sent.values())):
        if target.response is not None:
            target.response.refresh_from_db()
        return DetailsBlock(form=ResponseDetailsForm.for_response(target.response), unchanged=True)
    try:
        saved = responses.response_update_details(
            actor=request.user,
            response=_draft(request, target),
            their_reference=data["their_reference"],
            decided_by=data["decided_by"],
            base_version=base_version,
            loaded=loaded,
        )
    except DetailsConflictError as conflict:
        return DetailsBlock(form=_details_conflict_form(form, conflict), conflict=conflict)
    stored = responses.details_fingerprints(saved)
    now_loaded = {
        name: stored[name] for name in responses.DETAILS_FIELDS if responses.fingerprint(sent[name]) == stored[name]
    }
    return DetailsBlock(
        form=ResponseDetailsForm.for_response(saved),
        saved_now=True,
        resolved=KEEP_MINE if resolution == KEEP_MINE else "",
        loaded=now_loaded,
    )


def _carries_answers(request: HttpRequest) -> bool:
    """Whether the POST comes from the answer form (an attachment can be sent with or without it)."""
    return "details-version" in request.POST or any(key.endswith("-loaded") for key in request.POST)


def _save_page(request: HttpRequest, target: RespondTarget) -> tuple[list[QuestionBlock], DetailsBlock]:
    """Save every question and the details from one POST of the whole form (what the person changed only)."""
    blocks = []
    for number, question in enumerate(target.consultation.questions.all(), start=1):
        block = _save_question(request, target, question)
        block.number = number
        block.stale = False  # the page drawn again shows what is stored now
        blocks.append(block)
    return blocks, _save_details(request, target)


def _page_problems(
    request: HttpRequest,
    target: RespondTarget,
    blocks: list[QuestionBlock],
    details: DetailsBlock,
    attachment_form: AttachmentForm | None = None,
) -> HttpResponse | None:
    """The page again, saying what was not saved and why (409 for a conflict), or None if all was saved."""
    problems = [b for b in blocks if b.conflict or b.error]
    if not problems and details.conflict is None and not details.form.errors:
        return None
    context = _page_context(request, target, blocks=blocks, details=details, attachment_form=attachment_form)
    context["save_problems"] = problems
    conflicted = details.conflict is not None or any(b.conflict for b in blocks)
    return render(request, RESPOND_TEMPLATE, context, status=409 if conflicted else 400)


@login_required
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """The organisation's answer: read the questions, draft with colleagues, attach, submit."""
    target = _target(request, pk, organisation_pk)
    if request.method == "GET":
        if target.referral is not None and target.can_edit:
            target.referral = responses.referral_mark_opened(actor=request.user, referral=target.referral)
        return render(request, RESPOND_TEMPLATE, _page_context(request, target))

    if not target.can_edit:
        messages.error(request, _("The consultation does not take answers any more. Nothing was saved."))
        return redirect("consultations:respond", pk, organisation_pk)
    blocks, details = _save_page(request, target)
    refused = _page_problems(request, target, blocks, details)
    if refused is not None:
        return refused
    messages.success(
        request,
        _("The draft is saved. It has not been submitted yet.")
        if target.response is not None
        else _("Nothing to save yet."),
    )
    if request.POST.get("next") == "submit":
        return redirect("consultations:submit", pk, organisation_pk)
    return redirect("consultations:respond", pk, organisation_pk)


def _autosaved(response: HttpResponse, outcome: str) -> HttpResponse:
    response["X-Autosave"] = outcome
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def autosave_answer(request: HttpRequest, pk: int, organisation_pk: int, question_pk: int) -> HttpResponse:
    """htmx: save one answer. Success: a status line ("Sparat 14.03") and the new version (out of band).
    Conflict or settling one: the whole question, re-drawn. The X-Autosave header tells the page's script
    what happened (saved, unchanged, conflict, resolved-mine, resolved-theirs, refused)."""
    target = _target(request, pk, organisation_pk)
    numbered = {q.pk: (number, q) for number, q in enumerate(target.consultation.questions.all(), start=1)}
    if question_pk not in numbered:
        raise Http404
    number, question = numbered[question_pk]
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("consultations:respond", pk, organisation_pk)
    if not target.can_edit:
        block = QuestionBlock(
            question=question,
            form=AnswerForm(request.POST, question=question),
            error=_("The consultation does not take answers any more. Nothing was saved."),
            number=number,
        )
        response = render(request, f"{RESPOND_TEMPLATE}#autosave-status", {"block": block, "target": target})
        return _autosaved(response, block.outcome)
    resolving = bool(request.POST.get(f"q{question.pk}-resolution"))
    block = _save_question(request, target, question)
    block.number = number
    context = {
        "block": block,
        "target": target,
        "can_edit": target.can_edit,
        "consultation": target.consultation,
        "organisation": target.organisation,
    }
    if block.conflict or resolving:
        response = render(request, f"{RESPOND_TEMPLATE}#question", context)
        return _autosaved(reswap(retarget(response, f"#question-{question.pk}"), "outerHTML"), block.outcome)
    return _autosaved(render(request, f"{RESPOND_TEMPLATE}#autosave-response", context), block.outcome)


@login_required
@require_POST
def autosave_details(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """htmx: save the reference number and deciding body, as autosave_answer does for an answer."""
    target = _target(request, pk, organisation_pk)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("consultations:respond", pk, organisation_pk)
    if not target.can_edit:
        raise PermissionDenied(_("The consultation does not take answers any more. Nothing was saved."))
    resolving = bool(request.POST.get("details-resolution"))
    details = _save_details(request, target)
    context = {
        "details_form": details.form,
        "details_conflict": details.conflict,
        "details": details,
        "target": target,
        "can_edit": target.can_edit,
        "consultation": target.consultation,
        "organisation": target.organisation,
        "response": target.response,
        "now": timezone.now(),
    }
    if details.conflict or resolving or details.form.errors:
        response = render(request, f"{RESPOND_TEMPLATE}#details", context)
        return _autosaved(reswap(retarget(response, "#details"), "outerHTML"), details.outcome)
    return _autosaved(render(request, f"{RESPOND_TEMPLATE}#details-response", context), details.outcome)


# --- Attachments -----------------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """Attach a document. The attach button belongs to the answer form, so without JavaScript the answers typed
    since the last save come along and are saved first, by the same rules as "Save the draft"."""
    target = _target(request, pk, organisation_pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not target.can_edit:
        form.add_error(None, _("The consultation does not take answers any more. Nothing was saved."))
        return render(request, RESPOND_TEMPLATE, _page_context(request, target, attachment_form=form), status=400)
    blocks, details = _save_page(request, target) if _carries_answers(request) else (None, None)
    attached = ""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            responses.attachment_add(
                actor=request.user,
                response=_draft(request, target),
                stream=upload,
                filename=upload.name,
                kind=form.cleaned_data["kind"],
            )
        except FileRejected as rejected:
            form.add_error("file", rejected.message)
        except ResponseError as error:
            form.add_error(None, error.message)
        else:
            attached = upload.name
            form = AttachmentForm()
    if attached:
        messages.success(request, _("The document %(name)s is attached.") % {"name": attached})
    if blocks is not None and details is not None:
        refused = _page_problems(request, target, blocks, details, attachment_form=form)
        if refused is not None:
            return refused
    if attached:
        return redirect(f"{reverse('consultations:respond', args=[pk, organisation_pk])}#attachments")
    context = _page_context(request, target, blocks=blocks, details=details, attachment_form=form)
    return render(request, RESPOND_TEMPLATE, context, status=400)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, organisation_pk: int, attachment_pk: int) -> FileResponse:
    attachment = selectors_responses.attachment_get_for_user(
        user=request.user, consultation_pk=pk, organisation_pk=organisation_pk, attachment_pk=attachment_pk
    )
    return _file_response(attachment.file)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, organisation_pk: int, attachment_pk: int) -> HttpResponse:
    target = _target(request, pk, organisation_pk)
    if target.response is None:
        raise Http404
    attachment = target.response.attachments.filter(pk=attachment_pk, removed_at__isnull=True).first()
    if attachment is None:
        raise Http404
    try:
        responses.attachment_remove(actor=request.user, attachment=attachment)
    except ResponseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The document %(name)s was removed from the draft.") % {"name": attachment.file})
    return redirect(f"{reverse('consultations:respond', args=[pk, organisation_pk])}#attachments")


# --- Submitting, declining, more time --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """Check what will be sent, then submit. A refusal (deadline, nothing answered) keeps the draft."""
    target = _target(request, pk, organisation_pk)
    error = ""
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if target.response is None:
            error = _("Answer at least one question or attach a document before you submit.")
        elif not form.is_valid():
            error = _("The form could not be read. Nothing was submitted: try again.")
        else:
            try:
                submission = responses.response_submit(
                    actor=request.user, response=target.response, after_number=form.cleaned_data["after_number"]
                )
            except ResponseError as refused:
                error = refused.message
            else:
                messages.success(
                    request,
                    _("Your answer has been submitted. A receipt has been sent by e-mail."),
                )
                return redirect("consultations:receipt", pk, submission.receipt_number)
    context = _page_context(request, target)
    context["error"] = error
    latest = context["draft"].submissions[0].number if context["draft"].submissions else 0
    context["submit_form"] = SubmitForm(initial={"after_number": latest})
    return render(request, "consultations/respond/submit.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    target = _target(request, pk, organisation_pk)
    if target.referral is None:
        raise Http404
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            responses.response_decline(actor=request.user, referral=target.referral, reason=form.cleaned_data["reason"])
        except ResponseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("You have declined to answer on behalf of %(organisation)s. A confirmation has been sent by e-mail.")
                % {"organisation": target.organisation},
            )
            return redirect("consultations:respond", pk, organisation_pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "consultations/respond/decline.html",
        {"form": form, "target": target, "consultation": target.consultation, "organisation": target.organisation},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """Ask the coordinator for more time (the coordinator grants or refuses it)."""
    target = _target(request, pk, organisation_pk)
    if target.referral is None:
        raise Http404
    form = ExtensionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            extension_request(
                actor=request.user,
                referral=target.referral,
                requested_deadline=form.cleaned_data["requested_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, ServiceError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your request for more time has been sent to the coordinator."))
            return redirect("consultations:respond", pk, organisation_pk)
    return render(
        request,
        "consultations/respond/extension.html",
        {
            "form": form,
            "target": target,
            "consultation": target.consultation,
            "organisation": target.organisation,
            "extension_requests": selectors_responses.extension_requests_for(target.referral),
        },
        status=400 if form.errors else 200,
    )


# --- Joint answers ---------------------------------------------------------------------------------------


COSIGNER_SEARCH_TEMPLATE = "consultations/respond/cosigner_search.html"


@login_required
@require_GET
def cosigner_search(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """Organisations on the referral list that may co-sign, matching a name: a fragment for the search field on
    the answer page (htmx), and without JavaScript a page of its own with a button for each."""
    target = _target(request, pk, organisation_pk)
    if not (target.can_edit and target.referral is not None):
        raise Http404
    form = SignatorySearchForm(request.GET)
    search = selectors_responses.signatory_search(target=target, q=form.query())
    template = COSIGNER_SEARCH_TEMPLATE + ("#results" if request.htmx else "")  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "consultation": target.consultation,
            "organisation": target.organisation,
            "cosigner_search": form,
            "search": search,
        },
    )


@login_required
@require_POST
def cosigner_invite(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    target = _target(request, pk, organisation_pk)
    form = SignatoryInviteForm(request.POST, candidates=selectors_responses.signatory_candidates(target=target))
    if form.is_valid():
        try:
            responses.signatory_invite(
                actor=request.user, response=_draft(request, target), organisation=form.cleaned_data["organisation"]
            )
        except ResponseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(organisation)s has been asked to co-sign the answer.")
                % {"organisation": form.cleaned_data["organisation"]},
            )
    else:
        messages.error(request, _("Choose an organisation on the referral list."))
    return redirect(f"{reverse('consultations:respond', args=[pk, organisation_pk])}#cosigners")


@login_required
@require_POST
def cosigner_remove(request: HttpRequest, pk: int, organisation_pk: int, signatory_pk: int) -> HttpResponse:
    target = _target(request, pk, organisation_pk)
    if target.response is None:
        raise Http404
    signatory = ResponseSignatory.objects.filter(pk=signatory_pk, response=target.response).first()
    if signatory is None:
        raise Http404
    try:
        responses.signatory_remove(actor=request.user, signatory=signatory)
    except ResponseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request to co-sign was withdrawn."))
    return redirect(f"{reverse('consultations:respond', args=[pk, organisation_pk])}#cosigners")


@login_required
@require_http_methods(["GET", "POST"])
def cosign(request: HttpRequest, pk: int, signatory_pk: int) -> HttpResponse:
    """An organisation asked to co-sign reads the joint answer (read only) and confirms it."""
    signatory = selectors_responses.signatory_get_for_user(
        user=request.user, consultation_pk=pk, signatory_pk=signatory_pk
    )
    response = signatory.response
    error = ""
    if request.method == "POST":
        try:
            responses.signatory_confirm(actor=request.user, signatory=signatory)
        except ResponseError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("%(organisation)s now stands behind the joint answer.") % {"organisation": signatory.organisation},
            )
            return redirect("consultations:cosign", pk, signatory_pk)
    consultation = response.consultation
    questions = list(consultation.questions.order_by("order", "id"))
    draft = selectors_responses.draft_view(response)
    return render(
        request,
        "consultations/respond/cosign.html",
        {
            "signatory": signatory,
            "response": response,
            "consultation": consultation,
            "rows": [(q, draft.answers.get(q.pk)) for q in questions],
            "draft": draft,
            "can_confirm": phase_allows(consultation, "answer") and signatory.confirmed_at is None,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- Receipts --------------------------------------------------------------------------------------------


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int, receipt_number: str) -> HttpResponse:
    submission = selectors_responses.submission_get_for_user(
        user=request.user, consultation_pk=pk, receipt_number=receipt_number
    )
    content = submission.content
    answers = [
        {**a, "stance_label": str(Stance(a["stance"]).label) if a.get("stance") else ""}
        for a in content.get("answers", [])
    ]
    return render(
        request,
        "consultations/respond/receipt.html",
        {
            "submission": submission,
            "consultation": submission.response.consultation,
            "response": submission.response,
            "content": content,
            "answers": answers,
            "signatories": content.get("signatories", []),
            "files": list(submission.attachments.all()),
            "history": selectors_responses.submission_history(submission),
        },
    )


@login_required
@require_GET
def submission_file(request: HttpRequest, pk: int, receipt_number: str, file_pk: int) -> FileResponse:
    submission = selectors_responses.submission_get_for_user(
        user=request.user, consultation_pk=pk, receipt_number=receipt_number
    )
    return _file_response(selectors_responses.submission_file_get(submission=submission, file_pk=file_pk))
