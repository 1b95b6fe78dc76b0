"""Writing consultations: create and edit, questions and documents, open, close, reopen.

The referral list, invitations, reminders and extensions are in referrals.py, invitations.py, reminders.py and
extensions.py; answers in responses.py. Every function here checks that the actor manages the consultation,
runs in one transaction, and records an audit event.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.accounts.models import Membership
from samrad.accounts.selectors import organisations_for_user, user_is_coordinator
from samrad.actors import Actor
from samrad.audit.services import audit_record, model_changes
from samrad.consultations import access
from samrad.consultations.deadlines import local_date, remiss_time_is_short
from samrad.consultations.lifecycle import TransitionError, consultation_transition, phase_allows
from samrad.consultations.models import Consultation, ConsultationDocument, ConsultationSender, Question
from samrad.consultations.reference_numbers import reference_number_next
from samrad.dates import check_date_in_range
from samrad.documents.services import DOCUMENT_KINDS, file_intake
from samrad.errors import InvalidInput
from samrad.organisations.models import Organisation

EDITABLE_FIELDS = ["title", "summary", "body", "deadline", "opens_at", "reminder_days", "is_public"]


def _require_manager(actor: Actor, consultation: Consultation) -> None:
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def _require_phase(consultation: Consultation, what: str) -> None:
    if not phase_allows(consultation, what):
        raise TransitionError(
            _("This cannot be changed while the consultation is %(status)s.")
            % {"status": consultation.get_status_display()}
        )


@dataclass(frozen=True)
class SenderDetails:
    """One sending organisation with what it adds to the consultation: its own case number, its contact
    person and the signatory of the covering letter. All but the organisation may be empty."""

    organisation: Organisation
    case_number: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    signatory_name: str = ""
    signatory_title: str = ""


SENDER_DETAIL_FIELDS = [f.name for f in fields(SenderDetails) if f.name != "organisation"]
SenderInput = Organisation | SenderDetails


def _sender_details(senders: Sequence[SenderInput]) -> list[SenderDetails]:
    """Cleaned details, in order; refuses a sender named twice, over-long values and a bad e-mail address."""
    cleaned: list[SenderDetails] = []
    seen: set[int] = set()
    for sender in senders:
        details = sender if isinstance(sender, SenderDetails) else SenderDetails(organisation=sender)
        if details.organisation.pk in seen:
            raise InvalidInput(
                _("%(name)s is named more than once among the senders.") % {"name": details.organisation.name},
                field="senders",
            )
        seen.add(details.organisation.pk)
        values = {name: " ".join(str(getattr(details, name)).split()) for name in SENDER_DETAIL_FIELDS}
        for name, value in values.items():
            model_field = ConsultationSender._meta.get_field(name)
            limit = getattr(model_field, "max_length", None) or 0
            if len(value) > limit:
                raise InvalidInput(
                    _("%(what)s of %(name)s can be at most %(limit)d characters.")
                    % {
                        "what": str(getattr(model_field, "verbose_name", name)).capitalize(),
                        "name": details.organisation.name,
                        "limit": limit,
                    },
                    field="senders",
                )
        if values["contact_email"]:
            try:
                validate_email(values["contact_email"])
            except ValidationError:
                raise InvalidInput(
                    _("The contact person's e-mail address of %(name)s is not valid.")
                    % {"name": details.organisation.name},
                    field="senders",
                ) from None
        cleaned.append(SenderDetails(organisation=details.organisation, **values))
    return cleaned


def _sender_links_write(consultation: Consultation, senders: Sequence[SenderDetails]) -> None:
    for order, details in enumerate(senders):
        ConsultationSender.objects.create(
            consultation=consultation,
            organisation=details.organisation,
            order=order,
            **{name: getattr(details, name) for name in SENDER_DETAIL_FIELDS},
        )


def _sender_snapshot(senders: Sequence[SenderDetails]) -> list[dict[str, Any]]:
    return [
        {"organisation": s.organisation.pk, **{name: getattr(s, name) for name in SENDER_DETAIL_FIELDS}}
        for s in senders
    ]


def _require_own_sender(actor: Actor, senders: Sequence[SenderInput]) -> None:
    """A coordinator may only send in the name of organisations that include their own."""
    own = set(organisations_for_user(actor, role=Membership.Role.COORDINATOR).values_list("pk", flat=True))
    pks = {s.organisation.pk if isinstance(s, SenderDetails) else s.pk for s in senders}
    if not access.is_platform_staff(actor) and not own.intersection(pks):
        raise PermissionDenied(_("You must coordinate for one of the sending organisations."))


def _clean_reminder_days(days: Sequence[int]) -> list[int]:
    cleaned = sorted({int(d) for d in days if int(d) > 0}, reverse=True)
    if any(d > 365 for d in cleaned):
        raise InvalidInput(_("Reminders can be sent at most 365 days before the deadline."), field="reminder_days")
    return cleaned


def consultation_create(
    *,
    actor: Actor,
    title: str,
    deadline: dt.datetime,
    senders: Sequence[SenderInput],
    summary: str = "",
    letter: str = "",
    body: str = "",
    opens_at: dt.datetime | None = None,
    reminder_days: Sequence[int] = (14, 3),
    is_public: bool = False,
) -> Consultation:
    """A new draft with a generated reference number. The actor must coordinate for at least one sender."""
    if not user_is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators can create consultations."))
    if not senders:
        raise InvalidInput(_("A consultation needs at least one sending organisation."), field="senders")
    _require_own_sender(actor, senders)
    details = _sender_details(senders)
    check_date_in_range(deadline, field="deadline")
    check_date_in_range(opens_at, field="opens_at")
    if deadline <= timezone.now():
        raise InvalidInput(_("The deadline must be in the future."), field="deadline")
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=title.strip(),
            summary=summary.strip(),
            body=body.strip(),
            reference_number=reference_number_next(year=local_date(timezone.now()).year),
            deadline=deadline,
            opens_at=opens_at,
            reminder_days=_clean_reminder_days(reminder_days),
            is_public=is_public,
            letter=letter.strip(),
            created_by=actor,
        )
        _sender_links_write(consultation, details)
        audit_record(
            actor=actor,
            action="consultation.created",
            target=consultation,
            changes={
                **model_changes(consultation, ["title", "reference_number", "deadline"], None),
                "senders": _sender_snapshot(details),
            },
        )
    return consultation


def consultation_update(*, actor: Actor, consultation: Consultation, **fields: Any) -> Consultation:
    """Change the editable fields. While open, the deadline can only move later (an extension for everyone)."""
    _require_manager(actor, consultation)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name in ("deadline", "opens_at"):
        check_date_in_range(fields.get(name), field=name)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _require_phase(locked, "edit")  # the stored status: the caller's copy may be from before a close
        before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        if "reminder_days" in fields:
            fields["reminder_days"] = _clean_reminder_days(fields["reminder_days"])
        new_deadline = fields.get("deadline")
        if new_deadline is not None and new_deadline != locked.deadline:
            if new_deadline <= timezone.now():
                raise InvalidInput(_("The deadline must be in the future."), field="deadline")
            if locked.status == Consultation.Status.OPEN and new_deadline < locked.deadline:
                raise InvalidInput(
                    _("An open consultation's deadline can be moved later, not earlier."), field="deadline"
                )
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        changes = model_changes(locked, EDITABLE_FIELDS, before)
        if changes:
            locked.save()
            audit_record(actor=actor, action="consultation.updated", target=locked, changes=changes)
    consultation.refresh_from_db()
    return consultation


def consultation_set_senders(*, actor: Actor, consultation: Consultation, senders: Sequence[SenderInput]) -> None:
    """Replace the senders and their details (case numbers, contact people, signatories). Does nothing (and
    records nothing) when nothing changed."""
    _require_manager(actor, consultation)
    _require_phase(consultation, "edit")
    if not senders:
        raise InvalidInput(_("A consultation needs at least one sending organisation."), field="senders")
    _require_own_sender(actor, senders)
    details = _sender_details(senders)
    with transaction.atomic():
        links = list(consultation.sender_links.select_related("organisation"))
        before = _sender_snapshot(
            [
                SenderDetails(organisation=link.organisation, **{n: getattr(link, n) for n in SENDER_DETAIL_FIELDS})
                for link in links
            ]
        )
        after = _sender_snapshot(details)
        if before == after:
            return
        consultation.sender_links.all().delete()
        _sender_links_write(consultation, details)
        audit_record(
            actor=actor,
            action="consultation.senders_changed",
            target=consultation,
            changes={"senders": [before, after]},
        )


def remiss_time_warning(consultation: Consultation) -> str:
    """A warning (not a block) when the remiss time is under three months; empty when it is not."""
    opens = consultation.opens_at or timezone.now()
    if remiss_time_is_short(opens, consultation.deadline):
        return _(
            "The remiss time is under three months. The Government's guideline is at least three months, so that "
            "referral bodies can answer after a decision in their own boards."
        )
    return ""


# --- Questions ---------------------------------------------------------------------------------------------


def question_add(
    *,
    actor: Actor,
    consultation: Consultation,
    text: str,
    kind: str = Question.Kind.STANCE,
    help_text: str = "",
    section: str = "",
) -> Question:
    _require_manager(actor, consultation)
    _require_phase(consultation, "edit_questions")
    if not text.strip():
        raise InvalidInput(_("A question needs a text."), field="text")
    with transaction.atomic():
        last = consultation.questions.order_by("-order").values_list("order", flat=True).first()
        question = Question.objects.create(
            consultation=consultation,
            order=(last or 0) + 1,
            text=text.strip(),
            kind=kind,
            help_text=help_text.strip(),
            section=section.strip(),
        )
        audit_record(
            actor=actor,
            action="question.added",
            target=question,
            changes={**model_changes(question, ["text", "kind", "section"], None), "consultation": consultation.pk},
        )
    return question


def _question_locked(actor: Actor, question: Question) -> Question:
    """The stored question, locked, once the actor may edit its consultation's questions now. The caller's
    instance counts for its primary key only: it may hold unsaved changes or point at another consultation."""
    locked = Question.objects.select_for_update(of=("self",)).select_related("consultation").get(pk=question.pk)
    _require_manager(actor, locked.consultation)
    _require_phase(locked.consultation, "edit_questions")
    return locked


def question_update(*, actor: Actor, question: Question, **fields: Any) -> Question:
    names = ["text", "kind", "help_text", "section"]
    unknown = set(fields) - set(names)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _question_locked(actor, question)
        before = {name: getattr(locked, name) for name in names}
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        changes = model_changes(locked, names, before)
        if changes:
            locked.save()
            audit_record(actor=actor, action="question.updated", target=locked, changes=changes)
    return locked


def question_remove(*, actor: Actor, question: Question) -> None:
    with transaction.atomic():
        locked = _question_locked(actor, question)
        audit_record(actor=actor, action="question.removed", target=locked, changes={"text": [locked.text, None]})
        locked.delete()


def question_move(*, actor: Actor, question: Question, up: bool) -> None:
    """Swap the question with its neighbour above or below."""
    consultation = question.consultation
    _require_manager(actor, consultation)
    _require_phase(consultation, "edit_questions")
    with transaction.atomic():
        ordered = list(consultation.questions.select_for_update().order_by("order", "id"))
        index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.order != position:
                Question.objects.filter(pk=item.pk).update(order=position)
        audit_record(
            actor=actor, action="question.moved", target=question, changes={"position": [index + 1, other + 1]}
        )


# --- Documents ---------------------------------------------------------------------------------------------


def document_add(
    *, actor: Actor, consultation: Consultation, title: str, stream: BinaryIO, filename: str
) -> ConsultationDocument:
    """Check and store a document (PDF, DOCX, ODT) and attach it to the consultation."""
    _require_manager(actor, consultation)
    _require_phase(consultation, "edit_documents")
    with transaction.atomic():
        stored = file_intake(actor=actor, stream=stream, name=filename, allowed_kinds=DOCUMENT_KINDS)
        last = consultation.documents.order_by("-order").values_list("order", flat=True).first()
        document = ConsultationDocument.objects.create(
            consultation=consultation, title=title.strip() or stored.original_name, file=stored, order=(last or 0) + 1
        )
        audit_record(
            actor=actor,
            action="consultation.document_added",
            target=document,
            changes={"title": [None, document.title], "file": stored.pk, "consultation": consultation.pk},
        )
    return document


def document_remove(*, actor: Actor, document: ConsultationDocument) -> None:
    with transaction.atomic():
        # Whose document it is, as stored (the caller's instance counts for its primary key only).
        locked = (
            ConsultationDocument.objects.select_for_update(of=("self",))
            .select_related("consultation")
            .get(pk=document.pk)
        )
        _require_manager(actor, locked.consultation)
        _require_phase(locked.consultation, "edit_documents")
        audit_record(
            actor=actor,
            action="consultation.document_removed",
            target=locked,
            changes={"title": [locked.title, None], "file": locked.file_id},
        )
        locked.delete()


# --- Lifecycle ---------------------------------------------------------------------------------------------


def consultation_open(*, actor: Actor, consultation: Consultation) -> Consultation:
    """Open for answers and start inviting every referral body on the list. The request does a fixed amount of
    work whatever the length of the list: the move and its audit event here, the e-mails in background batches
    queued after commit (invitations.py)."""
    from samrad.consultations.invitations import invitations_start

    _require_manager(actor, consultation)
    if not consultation.questions.exists():
        raise TransitionError(_("Add at least one question before opening the consultation."))
    with transaction.atomic():
        consultation_transition(actor=actor, consultation=consultation, to_status=Consultation.Status.OPEN)
        invitations_start(consultation=consultation)
    return consultation


def consultation_close(*, actor: Actor, consultation: Consultation, note: str = "") -> Consultation:
    """Close for answers; every body on the list (its registry and its people) is told that it has closed.
    What the coordinator should know first (bodies that have not answered, extensions that run past today) is
    in closing.closing_warnings, shown on the confirm page."""
    from samrad.consultations.notices import send_closing_notices

    _require_manager(actor, consultation)
    with transaction.atomic():
        consultation_transition(actor=actor, consultation=consultation, to_status=Consultation.Status.CLOSED, note=note)
        assert consultation.closed_at is not None
        send_closing_notices(consultation=consultation, closed_at=consultation.closed_at)
    return consultation


def consultation_reopen(
    *, actor: Actor, consultation: Consultation, new_deadline: dt.datetime, note: str = ""
) -> Consultation:
    _require_manager(actor, consultation)
    check_date_in_range(new_deadline, field="deadline")
    return consultation_transition(
        actor=actor,
        consultation=consultation,
        to_status=Consultation.Status.OPEN,
        new_deadline=new_deadline,
        note=note,
    )
