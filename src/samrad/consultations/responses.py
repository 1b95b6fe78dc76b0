"""Answering a consultation: the organisation's shared draft, its answers and attachments, submitting,
declining, joint answers, and answers a coordinator registers on a body's behalf.

- Anyone who belongs to an organisation (in any role) may answer for it. Colleagues share one draft per
  organisation and consultation; each answer carries a version, and a save based on an older version raises
  `ConflictError` with both versions instead of overwriting.
- A save knows what the person loaded (`loaded`: a fingerprint of each answer, and of each of the response's own
  fields, as the page showed them). What the person did not change is not written, so saving a whole page never
  sends a colleague's newer text back as a write, and never conflicts over a question the person did not touch.
- Drafts change only while the consultation takes answers (phase "answer"). Submitting also needs the body's
  deadline (its own extension counts) not to have passed; a refused submit leaves the draft as it was.
- A submission is an immutable snapshot with a receipt number; a correction is a new submission with the next
  number, and the earlier ones stay.
- Joint answers: the drafting organisation invites other organisations on the referral list to co-sign. A
  co-signer may confirm before or after the answer is submitted, while the consultation takes answers and
  until its own deadline. The answer counts as the co-signer's answer once both have happened (submitted and
  confirmed), whichever comes last: that is when its referral becomes "submitted".
- A coordinator registers an answer that arrived by e-mail or on paper, for an organisation on the list or
  (unsolicited) from anyone else, while the consultation is open or closed.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samrad.accounts.models import Membership
from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.deadlines import effective_deadline, is_open_at, local_zone
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import (
    Answer,
    Consultation,
    Question,
    Referral,
    Response,
    ResponseAttachment,
    ResponseSignatory,
    Stance,
    Submission,
)
from samrad.consultations.notices import notice_declined
from samrad.consultations.receipts import receipt_number_new
from samrad.consultations.referral_lifecycle import referral_transition
from samrad.consultations.stances import submission_stances_record
from samrad.consultations.submission_pdfs import submission_pdf_queue
from samrad.dates import check_date_in_range
from samrad.documents.models import StoredFile
from samrad.documents.services import DOCUMENT_KINDS, file_intake
from samrad.errors import ServiceError
from samrad.notifications.services import email_enqueue_template
from samrad.organisations.models import Organisation


class ResponseError(ServiceError):
    """A refused action; `message` says why in the user's language. Nothing was changed."""


@dataclass(frozen=True)
class AnswerState:
    """One version of one answer, as shown side by side in a conflict."""

    stance: str
    text: str
    version: int
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def stance_label(self) -> str:
        return str(Stance(self.stance).label) if self.stance else ""


class ConflictError(Exception):
    """Someone saved the answer since the version this save was based on. Nothing was written: `theirs` is
    what is stored now, `yours` what this save would have written."""

    def __init__(self, *, question: Question, theirs: AnswerState, yours: AnswerState) -> None:
        super().__init__(f"Answer to question {question.pk} was changed by someone else (version {theirs.version}).")
        self.question = question
        self.theirs = theirs
        self.yours = yours


@dataclass(frozen=True)
class DetailsState:
    their_reference: str
    decided_by: str
    version: int
    updated_at: dt.datetime | None = None


class DetailsConflictError(Exception):
    """The response's own fields (reference number, deciding body) were changed since `yours` was based.
    `fields` names the fields both people changed."""

    def __init__(self, *, theirs: DetailsState, yours: DetailsState, fields: tuple[str, ...] = ()) -> None:
        super().__init__(f"Response details were changed by someone else (version {theirs.version}).")
        self.theirs = theirs
        self.yours = yours
        self.fields = fields


def fingerprint(*parts: str) -> str:
    """A short fingerprint of what a form showed, carried in a hidden field: a later save compares what it
    sends with it to know whether the person changed anything (no text is sent back just to compare)."""
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()[:32]


# --- Reading helpers the services share ------------------------------------------------------------------


def format_instant(value: dt.datetime) -> str:
    """ "31 oktober 2026 kl. 23.59" in Swedish: the local date and time of an instant, for messages."""
    local = timezone.localtime(value, local_zone())
    return f"{dateformat.format(local, 'j F Y')} {pgettext('before a clock time', 'at')} {local:%H.%M}"


def referral_for_response(response: Response) -> Referral | None:
    if response.organisation_id is None:
        return None
    return Referral.objects.filter(
        consultation_id=response.consultation_id, organisation_id=response.organisation_id
    ).first()


def response_deadline(response: Response, referral: Referral | None = None) -> dt.datetime:
    """The last instant this response can be submitted: the body's own deadline if it is on the list (an
    extension counts), the consultation's otherwise."""
    referral = referral or referral_for_response(response)
    if referral is not None:
        return effective_deadline(referral, response.consultation)
    return response.consultation.deadline


def _is_member(actor: Actor, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id in access.respondent_organisation_ids(actor)


def _require_member(actor: Actor, organisation: Organisation) -> None:
    if not _is_member(actor, organisation.pk):
        raise PermissionDenied(_("You do not answer for %(organisation)s.") % {"organisation": organisation})


def _require_author(actor: Actor, response: Response) -> None:
    """Only the drafting organisation's people change a response; co-signers read and confirm."""
    if not _is_member(actor, response.organisation_id):
        raise PermissionDenied(_("You do not answer for this organisation."))


def _require_answering(consultation: Consultation) -> None:
    if not phase_allows(consultation, "answer"):
        raise ResponseError(
            _("The consultation is %(status)s and does not take answers.")
            % {"status": consultation.get_status_display()}
        )


def _user_label(user: Any) -> str:
    if user is None:
        return ""
    return str(user)


def _emails(*addresses: str) -> list[str]:
    return [a for a in dict.fromkeys(a.strip() for a in addresses if a and a.strip())]


def _site_link(name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


# --- Referral status as the respondent acts --------------------------------------------------------------


def _touch(referral_pk: int, now: dt.datetime, **fields: Any) -> None:
    """Activity that is not a move: the last activity, and first-time stamps such as opened_at."""
    Referral.objects.filter(pk=referral_pk).update(last_activity_at=now)
    for name, value in fields.items():
        Referral.objects.filter(pk=referral_pk, **{f"{name}__isnull": True}).update(**{name: value})


def referral_mark_opened(*, actor: Actor, referral: Referral, now: dt.datetime | None = None) -> Referral:
    """A member of the body opened its answer page: "invited" becomes "opened" (the first time only)."""
    _require_member(actor, referral.organisation)
    now = now or timezone.now()
    with transaction.atomic():
        if referral.status != Referral.Status.INVITED or not referral_transition(
            actor=actor,
            referral=referral,
            to_status=Referral.Status.OPENED,
            now=now,
            only_if_allowed=True,
            opened_at=now,
        ):
            _touch(referral.pk, now, opened_at=now)
    referral.refresh_from_db()
    return referral


def _referral_drafting(*, actor: Actor, response: Response, now: dt.datetime) -> None:
    """The first save of a draft moves the body's referral to "drafting"; every save is activity."""
    referral = referral_for_response(response)
    Response.objects.filter(pk=response.pk).update(updated_at=now)
    if referral is None:
        return
    moved = referral.status in (Referral.Status.INVITED, Referral.Status.OPENED) and referral_transition(
        actor=actor, referral=referral, to_status=Referral.Status.DRAFTING, now=now, only_if_allowed=True
    )
    if moved:
        _touch(referral.pk, now, opened_at=now)
    else:
        _touch(referral.pk, now)


def _referral_submitted(*, actor: Actor, referral: Referral, answered_at: dt.datetime, now: dt.datetime) -> None:
    """The body's answer counts (submitted, registered, or a joint answer it confirmed). A body that has already
    submitted stays so: a correction is only activity."""
    moved = referral_transition(
        actor=actor,
        referral=referral,
        to_status=Referral.Status.SUBMITTED,
        now=now,
        only_if_allowed=True,
        answered_at=answered_at,
        audit_changes={"answered_at": answered_at},
    )
    if not moved:
        _touch(referral.pk, now)


# --- The draft -------------------------------------------------------------------------------------------


def response_get_or_create_draft(*, actor: Actor, consultation: Consultation, organisation: Organisation) -> Response:
    """The organisation's one shared draft for this consultation, created on first use. The organisation is on
    the referral list, or answers unsolicited (anyone may answer a remiss)."""
    _require_member(actor, organisation)
    existing = Response.objects.filter(consultation=consultation, organisation=organisation).first()
    if existing is not None:
        return existing
    _require_answering(consultation)
    on_list = Referral.objects.filter(consultation=consultation, organisation=organisation).exists()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                consultation=consultation,
                organisation=organisation,
                channel=Response.Channel.PLATFORM,
                is_unsolicited=not on_list,
            )
            audit_record(
                actor=actor,
                action="response.created",
                target=response,
                changes={"consultation": consultation.pk, "organisation": organisation.pk, "unsolicited": not on_list},
            )
    except IntegrityError:
        # A colleague created it at the same moment: share theirs.
        return Response.objects.get(consultation=consultation, organisation=organisation)
    return response


def _clean_stance(question: Question, stance: str) -> str:
    stance = (stance or "").strip()
    if question.kind == Question.Kind.TEXT:
        return ""
    if stance and stance not in Stance.values:
        raise ResponseError(_("Choose one of the stances offered."))
    return stance


def _clean_text(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def answer_fingerprint(answer: Answer | None) -> str:
    """The fingerprint of a stored answer (of no answer: an empty one), as the answer page carries it."""
    if answer is None:
        return fingerprint("", "")
    return fingerprint(answer.stance, answer.text)


def answer_unchanged(*, question: Question, stance: str, text: str, loaded: str | None) -> bool:
    """Whether `stance` and `text` are the answer the person loaded (its fingerprint `loaded`): then they did
    not change it, and a save writes nothing. Without `loaded` every save counts as a change."""
    if not loaded:
        return False
    try:
        cleaned = _clean_stance(question, stance)
    except ResponseError:
        return False
    return fingerprint(cleaned, _clean_text(text)) == loaded


def answer_state(answer: Answer | None) -> AnswerState:
    if answer is None:
        return AnswerState(stance="", text="", version=0)
    return AnswerState(
        stance=answer.stance,
        text=answer.text,
        version=answer.version,
        updated_by=_user_label(answer.updated_by),
        updated_at=answer.updated_at,
    )


def answer_save(
    *,
    actor: Actor,
    response: Response,
    question: Question,
    stance: str,
    text: str,
    base_version: int,
    loaded: str | None = None,
    now: dt.datetime | None = None,
) -> Answer:
    """Save one answer of the draft if nobody saved it since `base_version` (0: never saved). The write is a
    conditional UPDATE ... WHERE version = base_version, so of two saves based on the same version exactly one
    wins; the other raises ConflictError with both versions. Saving what is already stored is not a conflict.

    `loaded` is the fingerprint (`answer_fingerprint`) of the answer as the person loaded it at `base_version`.
    When the answer sent is that one, the person did not change it: nothing is written, whatever is stored now
    (a colleague's newer text stays, and there is no conflict), and the stored answer is returned. To settle
    a conflict by keeping one's own text, save again with `base_version` the stored version the conflict
    showed (and no `loaded`)."""
    _require_author(actor, response)
    _require_answering(response.consultation)
    if question.consultation_id != response.consultation_id:
        raise PermissionDenied(_("The question belongs to another consultation."))
    stance = _clean_stance(question, stance)
    text = _clean_text(text)
    if loaded and fingerprint(stance, text) == loaded:
        current = Answer.objects.select_related("updated_by").filter(response=response, question=question).first()
        return current or Answer(response=response, question=question, version=0)
    now = now or timezone.now()
    yours = AnswerState(stance=stance, text=text, version=base_version, updated_by=_user_label(actor))
    with transaction.atomic():
        current = Answer.objects.select_related("updated_by").filter(response=response, question=question).first()
        if current is None:
            if base_version == 0 and not stance and not text:
                return Answer(response=response, question=question, version=0)
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(
                        response=response,
                        question=question,
                        stance=stance,
                        text=text,
                        version=1,
                        updated_by=actor,
                        updated_at=now,
                    )
            except IntegrityError:
                current = Answer.objects.select_related("updated_by").get(response=response, question=question)
                if (current.stance, current.text) == (stance, text):
                    return current
                raise ConflictError(question=question, theirs=answer_state(current), yours=yours) from None
            new_version = 1
        else:
            if (current.stance, current.text) == (stance, text):
                return current
            updated = Answer.objects.filter(pk=current.pk, version=base_version).update(
                stance=stance, text=text, version=F("version") + 1, updated_by=actor, updated_at=now
            )
            if not updated:
                current = Answer.objects.select_related("updated_by").get(pk=current.pk)
                raise ConflictError(question=question, theirs=answer_state(current), yours=yours)
            answer = Answer.objects.select_related("updated_by").get(pk=current.pk)
            new_version = answer.version
        _referral_drafting(actor=actor, response=response, now=now)
        audit_record(
            actor=actor,
            action="response.answer_saved",
            target=response,
            changes={"question": question.pk, "version": [base_version, new_version]},
        )
    return answer


DETAILS_FIELDS = ("their_reference", "decided_by")


def details_clean(their_reference: str, decided_by: str) -> dict[str, str]:
    """The reference number and deciding body as they are stored: spaces collapsed, cut to the fields' sizes."""
    return {
        "their_reference": " ".join((their_reference or "").split())[:100],
        "decided_by": " ".join((decided_by or "").split())[:300],
    }


def details_fingerprints(response: Response | None) -> dict[str, str]:
    """The fingerprint of each of the response's own fields as stored (empty before the first save), as the
    answer page carries them."""
    return {field: fingerprint(getattr(response, field) if response is not None else "") for field in DETAILS_FIELDS}


def _details_state(response: Response) -> DetailsState:
    return DetailsState(
        their_reference=response.their_reference,
        decided_by=response.decided_by,
        version=response.version,
        updated_at=response.updated_at,
    )


def response_update_details(
    *,
    actor: Actor,
    response: Response,
    their_reference: str,
    decided_by: str,
    base_version: int,
    loaded: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """Save the body's own reference number and the body that decided, with the same conflict check as
    answers (the response's own `version`).

    `loaded` maps each field to its fingerprint as the person loaded it (`details_fingerprints`). A field the
    person did not change is not written (a colleague's newer value stays), and a field they changed conflicts
    only if a colleague changed that same field since they loaded it. Without `loaded` for a field, any save
    made since `base_version` is a conflict for it."""
    _require_author(actor, response)
    _require_answering(response.consultation)
    sent = details_clean(their_reference, decided_by)
    loaded = loaded or {}
    now = now or timezone.now()
    with transaction.atomic():
        current = Response.objects.select_for_update(of=("self",)).get(pk=response.pk)
        changes: dict[str, str] = {}
        clashes: list[str] = []
        for field, value in sent.items():
            stored = getattr(current, field)
            was = loaded.get(field)
            if (was and fingerprint(value) == was) or value == stored:
                continue  # the person did not change it, or it already says so
            changes[field] = value
            # With what the person loaded, a colleague's change to this very field is the conflict (a change to
            # the other field is not); without it, any save since `base_version` is.
            if (fingerprint(stored) != was) if was else (current.version != base_version):
                clashes.append(field)
        if clashes:
            yours = {field: changes.get(field, getattr(current, field)) for field in DETAILS_FIELDS}
            raise DetailsConflictError(
                theirs=_details_state(current),
                yours=DetailsState(**yours, version=base_version),
                fields=tuple(clashes),
            )
        if not changes:
            return current
        updated = Response.objects.filter(pk=response.pk, version=current.version).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if not updated:  # a colleague's save slipped in between (a database without row locks)
            current.refresh_from_db()
            yours = {field: changes.get(field, getattr(current, field)) for field in DETAILS_FIELDS}
            raise DetailsConflictError(
                theirs=_details_state(current),
                yours=DetailsState(**yours, version=base_version),
                fields=tuple(changes),
            )
        _referral_drafting(actor=actor, response=response, now=now)
        audit_record(
            actor=actor,
            action="response.details_saved",
            target=response,
            changes={field: [getattr(current, field), value] for field, value in changes.items()},
        )
    response.refresh_from_db()
    return response


# --- Attachments -----------------------------------------------------------------------------------------


def attachment_add(
    *, actor: Actor, response: Response, stream: BinaryIO, filename: str, kind: str, now: dt.datetime | None = None
) -> ResponseAttachment:
    """Check the file (PDF, DOCX or ODT, by content and size) and attach it to the draft. A refused file raises
    FileRejected with a message for the user, and the draft is unchanged."""
    _require_author(actor, response)
    _require_answering(response.consultation)
    if kind not in ResponseAttachment.Kind.values:
        raise ResponseError(_("Choose what kind of document this is."))
    now = now or timezone.now()
    with transaction.atomic():
        stored = file_intake(actor=actor, stream=stream, name=filename, allowed_kinds=DOCUMENT_KINDS)
        attachment = ResponseAttachment.objects.create(
            response=response, file=stored, kind=kind, added_by=actor, added_at=now
        )
        _referral_drafting(actor=actor, response=response, now=now)
        audit_record(
            actor=actor,
            action="response.attachment_added",
            target=response,
            changes={"attachment": attachment.pk, "file": stored.pk, "name": stored.original_name, "kind": kind},
        )
    return attachment


def attachment_remove(*, actor: Actor, attachment: ResponseAttachment, now: dt.datetime | None = None) -> None:
    """Take an attachment out of the draft. The file stays: an earlier submission may include it."""
    # Whose draft it is, as stored: the caller's instance counts for its primary key only.
    response = Response.objects.get(attachments__pk=attachment.pk)
    _require_author(actor, response)
    _require_answering(response.consultation)
    now = now or timezone.now()
    with transaction.atomic():
        removed = ResponseAttachment.objects.filter(pk=attachment.pk, removed_at__isnull=True).update(removed_at=now)
        if removed:
            _referral_drafting(actor=actor, response=response, now=now)
            audit_record(
                actor=actor,
                action="response.attachment_removed",
                target=response,
                changes={"attachment": attachment.pk, "file": attachment.file_id},
            )
    attachment.refresh_from_db()


# --- Submitting ------------------------------------------------------------------------------------------


def _canonical_sha256(content: dict[str, Any]) -> str:
    payload = json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _file_entry(stored: StoredFile, kind: str) -> dict[str, Any]:
    return {
        "file_id": stored.pk,
        "name": stored.original_name,
        "kind": kind,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


def _respondent_part(response: Response) -> dict[str, Any]:
    consultation = response.consultation
    return {
        "consultation": {
            "id": consultation.pk,
            "reference_number": consultation.reference_number,
            "title": consultation.title,
        },
        "organisation": (
            {"id": response.organisation.pk, "name": response.organisation.name}
            if response.organisation is not None
            else None
        ),
        "respondent_name": response.respondent_name,
        "unsolicited": response.is_unsolicited,
    }


def _draft_snapshot(response: Response) -> tuple[dict[str, Any], list[StoredFile]]:
    """Everything the draft holds now, frozen, and the files it includes."""
    answers = {a.question_id: a for a in response.answers.all()}
    attachments = list(response.attachments.filter(removed_at__isnull=True).select_related("file"))
    signatories = list(response.signatories.select_related("organisation").order_by("organisation__name"))
    content = {
        **_respondent_part(response),
        "channel": Response.Channel.PLATFORM,
        "their_reference": response.their_reference,
        "decided_by": response.decided_by,
        "answers": [
            {
                "question_id": question.pk,
                "order": question.order,
                "question": question.text,
                "kind": question.kind,
                "stance": answers[question.pk].stance if question.pk in answers else "",
                "text": answers[question.pk].text.strip() if question.pk in answers else "",
            }
            for question in response.consultation.questions.order_by("order", "id")
        ],
        "attachments": [_file_entry(a.file, a.kind) for a in attachments],
        "signatories": [
            {
                "organisation_id": s.organisation_id,
                "name": s.organisation.name,
                "confirmed_at": s.confirmed_at,
            }
            for s in signatories
        ],
    }
    return content, [a.file for a in attachments]


def _snapshot_is_empty(content: dict[str, Any]) -> bool:
    return not content["attachments"] and not any(a["stance"] or a["text"] for a in content["answers"])


def _submission_create(
    *,
    actor: Actor,
    response: Response,
    content: dict[str, Any],
    files: list[StoredFile],
    submitted_at: dt.datetime,
    received_at: dt.datetime,
) -> Submission:
    """The next numbered, immutable submission of a (locked) response."""
    last = response.submissions.aggregate(last=Max("number"))["last"] or 0
    number = last + 1
    respondent_key = str(response.organisation_id) if response.organisation_id else f"R{response.pk}"
    content = json.loads(json.dumps({**content, "number": number}, cls=DjangoJSONEncoder))
    submission = Submission.objects.create(
        response=response,
        number=number,
        receipt_number=receipt_number_new(
            reference_number=response.consultation.reference_number, respondent_key=respondent_key, number=number
        ),
        submitted_at=submitted_at,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        received_at=received_at,
        content=content,
        content_sha256=_canonical_sha256(content),
    )
    submission.attachments.set(files)
    submission_stances_record(submission=submission)
    submission_pdf_queue(submission.pk)
    # Who answered alike is re-computed after new answers, where it was ever computed (deferred, one at a time).
    # Imported here: the analysis app reads the consultations app, not the other way round at import time.
    from samrad.analysis.alike import similarity_rerun_on_commit
    from samrad.analysis.theme_followups import themes_rerun_on_commit

    similarity_rerun_on_commit(response.consultation_id)
    themes_rerun_on_commit(response.consultation_id)  # likewise the themes, where they were ever built
    return submission


def _confirmed_signatory_referrals(response: Response) -> list[Referral]:
    confirmed = response.signatories.filter(confirmed_at__isnull=False).values("organisation_id")
    return list(
        Referral.objects.select_related("organisation", "consultation").filter(
            consultation_id=response.consultation_id, organisation_id__in=confirmed
        )
    )


def _receipt_email(*, submission: Submission, to: list[str], registered: bool = False) -> None:
    if not to:
        return
    response = submission.response
    content = submission.content
    email_enqueue_template(
        to=to,
        template="consultations/email/receipt",
        context={
            "submission": submission,
            "consultation": response.consultation,
            "respondent": (response.organisation.name if response.organisation else response.respondent_name),
            "submitted_at": format_instant(submission.submitted_at),
            "received_at": format_instant(submission.received_at or submission.submitted_at),
            "answers": [
                {**a, "stance_label": str(Stance(a["stance"]).label) if a["stance"] else ""}
                for a in content.get("answers", [])
                if a["stance"] or a["text"]
            ],
            "attachments": content.get("attachments", []),
            "signatories": [s for s in content.get("signatories", []) if s.get("confirmed_at")],
            "registered": registered,
            "receipt_url": _site_link("consultations:receipt", response.consultation_id, submission.receipt_number),
        },
        category="consultation.receipt",
        dedupe_key=f"consultations.receipt.{submission.pk}",
    )


def _holds(submission: Submission, content: dict[str, Any]) -> bool:
    """Whether `submission` froze exactly `content` (a draft snapshot)."""
    frozen = json.loads(json.dumps({**content, "number": submission.number}, cls=DjangoJSONEncoder))
    return _canonical_sha256(frozen) == submission.content_sha256


def response_submit(
    *, actor: Actor, response: Response, after_number: int | None = None, now: dt.datetime | None = None
) -> Submission:
    """Submit the draft as it is now: an immutable, numbered submission with a receipt number and a receipt
    e-mail. Refused (ResponseError, draft kept) after the body's deadline, or when nothing is answered.

    `after_number` is the number of the latest submission the person saw when they chose to submit (0: none),
    as the submit page carries it. A submission made since then (the same button pressed twice, or a
    colleague who submitted meanwhile) that holds exactly what the draft holds now is returned as it is:
    nothing new is made, recorded or sent, so one press and two presses give one submission and one receipt.
    If the draft changed after that submission, the submit is refused so that the person reviews it again.
    The check is made under the response's row lock, so two presses at the same moment also make one."""
    _require_author(actor, response)
    consultation = response.consultation
    _require_answering(consultation)
    now = now or timezone.now()
    referral = referral_for_response(response)
    deadline = response_deadline(response, referral)
    if not is_open_at(deadline, now):
        raise ResponseError(
            _(
                "The deadline for answering passed on %(deadline)s, so the answer cannot be submitted. Your draft "
                "is kept. If you need more time, ask the coordinator for an extension."
            )
            % {"deadline": format_instant(deadline)}
        )
    with transaction.atomic():
        locked = (
            Response.objects.select_for_update(of=("self",))
            .select_related("consultation", "organisation")
            .get(pk=response.pk)
        )
        content, files = _draft_snapshot(locked)
        if after_number is not None:
            latest = locked.submissions.select_related("submitted_by").order_by("-number").first()
            if latest is not None and latest.number > after_number:
                if _holds(latest, content):
                    return latest
                raise ResponseError(
                    _(
                        "%(person)s submitted the answer on %(when)s, while you had the page open, and the draft "
                        "has changed since. Nothing was submitted now: review the answer again before you submit."
                    )
                    % {
                        "person": _user_label(latest.submitted_by) or _("A colleague"),
                        "when": format_instant(latest.submitted_at),
                    }
                )
        if _snapshot_is_empty(content):
            raise ResponseError(_("Answer at least one question or attach a document before you submit."))
        submission = _submission_create(
            actor=actor, response=locked, content=content, files=files, submitted_at=now, received_at=now
        )
        if referral is not None:
            _referral_submitted(actor=actor, referral=referral, answered_at=now, now=now)
        for signatory_referral in _confirmed_signatory_referrals(locked):
            _referral_submitted(actor=actor, referral=signatory_referral, answered_at=now, now=now)
        audit_record(
            actor=actor,
            action="response.submitted",
            target=locked,
            changes={
                "submission": submission.pk,
                "number": submission.number,
                "receipt_number": submission.receipt_number,
                "content_sha256": submission.content_sha256,
            },
        )
        registry = locked.organisation.registry_email if locked.organisation else ""
        _receipt_email(submission=submission, to=_emails(getattr(actor, "email", ""), registry))
    return submission


# --- Declining -------------------------------------------------------------------------------------------


def response_decline(*, actor: Actor, referral: Referral, reason: str, now: dt.datetime | None = None) -> Referral:
    """The body declines to answer (avstår), with an optional reason. It may still submit an answer before its
    deadline, which then counts instead."""
    _require_member(actor, referral.organisation)
    consultation = referral.consultation
    _require_answering(consultation)
    now = now or timezone.now()
    deadline = effective_deadline(referral, consultation)
    if not is_open_at(deadline, now):
        raise ResponseError(_("The deadline passed on %(deadline)s.") % {"deadline": format_instant(deadline)})
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("organisation", "consultation")
            .get(pk=referral.pk)
        )
        if locked.status == Referral.Status.SUBMITTED:
            raise ResponseError(_("Your organisation has already submitted an answer, so it cannot decline."))
        if locked.status == Referral.Status.DECLINED:
            raise ResponseError(_("Your organisation has already declined to answer."))
        referral_transition(
            actor=actor,
            referral=locked,
            to_status=Referral.Status.DECLINED,
            now=now,
            note=reason,
            decline_reason=reason,
            audit_changes={"reason": reason},
        )
        to = _emails(getattr(actor, "email", ""), locked.organisation.registry_email)
        if to:
            email_enqueue_template(
                to=to,
                template="consultations/email/declined",
                context={
                    "consultation": consultation,
                    "organisation": locked.organisation,
                    "reason": reason,
                    "declined_by": _user_label(actor),
                    "declined_at": format_instant(now),
                    "deadline": format_instant(deadline),
                    "answer_url": _site_link("consultations:respond", consultation.pk, locked.organisation_id),
                },
                category="consultation.declined",
            )
        locked.refresh_from_db()
        notice_declined(referral=locked)
    referral.refresh_from_db()
    return referral


# --- Joint answers ---------------------------------------------------------------------------------------


def signatory_invite(*, actor: Actor, response: Response, organisation: Organisation) -> ResponseSignatory:
    """Ask another organisation on the referral list to co-sign this answer; its people and registry get an
    e-mail with a link to read the answer and confirm."""
    _require_author(actor, response)
    consultation = response.consultation
    _require_answering(consultation)
    if organisation.pk == response.organisation_id:
        raise ResponseError(_("Your own organisation already stands behind the answer."))
    referral = Referral.objects.filter(consultation=consultation, organisation=organisation).first()
    if referral is None:
        raise ResponseError(_("Only organisations on the referral list can co-sign an answer."))
    try:
        with transaction.atomic():
            signatory = ResponseSignatory.objects.create(response=response, organisation=organisation, invited_by=actor)
            audit_record(
                actor=actor,
                action="response.signatory_invited",
                target=response,
                changes={"organisation": organisation.pk},
            )
            people = Membership.objects.filter(organisation=organisation, user__is_active=True).values_list(
                "user__email", flat=True
            )
            to = _emails(organisation.registry_email, *people)
            if to:
                email_enqueue_template(
                    to=to,
                    template="consultations/email/signatory_request",
                    context={
                        "consultation": consultation,
                        "drafting": response.organisation,
                        "organisation": organisation,
                        "invited_by": _user_label(actor),
                        "deadline": format_instant(effective_deadline(referral, consultation)),
                        "cosign_url": _site_link("consultations:cosign", consultation.pk, signatory.pk),
                    },
                    category="consultation.signatory_request",
                )
    except IntegrityError:
        raise ResponseError(
            _("%(organisation)s has already been asked to co-sign.") % {"organisation": organisation}
        ) from None
    return signatory


def signatory_confirm(
    *, actor: Actor, signatory: ResponseSignatory, now: dt.datetime | None = None
) -> ResponseSignatory:
    """A member of the invited organisation confirms that the joint answer is also its answer. Once the answer
    is (or when it later is) submitted, the organisation's referral counts as answered."""
    _require_member(actor, signatory.organisation)
    response = signatory.response
    consultation = response.consultation
    _require_answering(consultation)
    now = now or timezone.now()
    referral = (
        Referral.objects.select_related("organisation", "consultation")
        .filter(consultation=consultation, organisation_id=signatory.organisation_id)
        .first()
    )
    deadline = effective_deadline(referral, consultation) if referral else consultation.deadline
    if not is_open_at(deadline, now):
        raise ResponseError(_("The deadline passed on %(deadline)s.") % {"deadline": format_instant(deadline)})
    with transaction.atomic():
        confirmed = ResponseSignatory.objects.filter(pk=signatory.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, confirmed_by=actor
        )
        if confirmed:
            audit_record(
                actor=actor,
                action="response.signatory_confirmed",
                target=response,
                changes={"organisation": signatory.organisation_id},
            )
            if referral is not None and response.submissions.exists():
                _referral_submitted(actor=actor, referral=referral, answered_at=now, now=now)
    signatory.refresh_from_db()
    return signatory


def signatory_remove(*, actor: Actor, signatory: ResponseSignatory) -> None:
    """The drafting organisation withdraws an invitation that has not been confirmed."""
    # Whose answer it is, as stored: the caller's instance counts for its primary key only.
    response = Response.objects.get(signatories__pk=signatory.pk)
    _require_author(actor, response)
    _require_answering(response.consultation)
    with transaction.atomic():
        deleted, _counts = ResponseSignatory.objects.filter(pk=signatory.pk, confirmed_at__isnull=True).delete()
        if not deleted:
            raise ResponseError(_("A co-signer that has confirmed cannot be removed."))
        audit_record(
            actor=actor,
            action="response.signatory_removed",
            target=response,
            changes={"organisation": signatory.organisation_id},
        )


# --- Answers registered by a coordinator -----------------------------------------------------------------


def _register(
    *,
    actor: Actor,
    response: Response,
    referral: Referral | None,
    received_at: dt.datetime,
    stream: BinaryIO,
    filename: str,
    their_reference: str,
    decided_by: str,
    channel: str,
    now: dt.datetime,
    action: str,
) -> Submission:
    stored = file_intake(actor=actor, stream=stream, name=filename, allowed_kinds=DOCUMENT_KINDS)
    locked = (
        Response.objects.select_for_update(of=("self",))
        .select_related("consultation", "organisation")
        .get(pk=response.pk)
    )
    content = {
        **_respondent_part(locked),
        "channel": channel,
        "registered_by": _user_label(actor),
        "their_reference": " ".join(their_reference.split()),
        "decided_by": " ".join(decided_by.split()),
        "answers": [],
        "attachments": [_file_entry(stored, ResponseAttachment.Kind.ANSWER)],
        "signatories": [],
    }
    submission = _submission_create(
        actor=actor, response=locked, content=content, files=[stored], submitted_at=now, received_at=received_at
    )
    if referral is not None:
        _referral_submitted(actor=actor, referral=referral, answered_at=received_at, now=now)
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        changes={
            "submission": submission.pk,
            "number": submission.number,
            "receipt_number": submission.receipt_number,
            "received_at": received_at,
            "channel": channel,
            "file": stored.pk,
        },
    )
    if locked.organisation is not None:
        _receipt_email(submission=submission, to=_emails(locked.organisation.registry_email), registered=True)
    return submission


def _check_registration(*, actor: Actor, consultation: Consultation, received_at: dt.datetime, channel: str) -> None:
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    if not phase_allows(consultation, "register_answer"):
        raise ResponseError(
            _("Answers cannot be registered while the consultation is %(status)s.")
            % {"status": consultation.get_status_display()}
        )
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    check_date_in_range(received_at, field="received_on")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ResponseError(_("The date the answer was received cannot be in the future."))
    if channel not in (Response.Channel.EMAIL, Response.Channel.PAPER):
        raise ResponseError(_("Say whether the answer came by e-mail or on paper."))


def response_register_on_behalf(
    *,
    actor: Actor,
    consultation: Consultation,
    organisation: Organisation,
    received_at: dt.datetime,
    stream: BinaryIO,
    filename: str,
    their_reference: str = "",
    decided_by: str = "",
    channel: str = "email",
) -> Submission:
    """Register an answer that an organisation on the referral list sent by e-mail or on paper. It counts as
    the organisation's answer (its referral becomes "submitted", answered when it was received)."""
    _check_registration(actor=actor, consultation=consultation, received_at=received_at, channel=channel)
    referral = (
        Referral.objects.select_related("organisation", "consultation")
        .filter(consultation=consultation, organisation=organisation)
        .first()
    )
    if referral is None:
        raise ResponseError(
            _("%(organisation)s is not on the referral list. Register the answer as unsolicited instead.")
            % {"organisation": organisation}
        )
    now = timezone.now()
    with transaction.atomic():
        response, _created = Response.objects.get_or_create(
            consultation=consultation,
            organisation=organisation,
            defaults={
                "channel": channel,
                "their_reference": " ".join(their_reference.split())[:100],
                "decided_by": " ".join(decided_by.split())[:300],
            },
        )
        return _register(
            actor=actor,
            response=response,
            referral=referral,
            received_at=received_at,
            stream=stream,
            filename=filename,
            their_reference=their_reference,
            decided_by=decided_by,
            channel=channel,
            now=now,
            action="response.registered",
        )


def response_register_unsolicited(
    *,
    actor: Actor,
    consultation: Consultation,
    organisation: Organisation | None = None,
    respondent_name: str = "",
    received_at: dt.datetime,
    stream: BinaryIO,
    filename: str,
    their_reference: str = "",
    decided_by: str = "",
    channel: str = "email",
) -> Submission:
    """Register an answer from a body (or person) that is not on the referral list: anyone may answer a
    remiss. Name a registered organisation, or give the sender's name."""
    _check_registration(actor=actor, consultation=consultation, received_at=received_at, channel=channel)
    respondent_name = " ".join(respondent_name.split())[:300]
    if organisation is not None:
        if Referral.objects.filter(consultation=consultation, organisation=organisation).exists():
            raise ResponseError(
                _("%(organisation)s is on the referral list. Register the answer on its behalf instead.")
                % {"organisation": organisation}
            )
    elif not respondent_name:
        raise ResponseError(_("Name the body or person who sent the answer."))
    now = timezone.now()
    with transaction.atomic():
        if organisation is not None:
            response, _created = Response.objects.get_or_create(
                consultation=consultation,
                organisation=organisation,
                defaults={
                    "channel": channel,
                    "is_unsolicited": True,
                    "their_reference": " ".join(their_reference.split())[:100],
                    "decided_by": " ".join(decided_by.split())[:300],
                },
            )
        else:
            response = Response.objects.create(
                consultation=consultation,
                respondent_name=respondent_name,
                channel=channel,
                is_unsolicited=True,
                their_reference=" ".join(their_reference.split())[:100],
                decided_by=" ".join(decided_by.split())[:300],
            )
        return _register(
            actor=actor,
            response=response,
            referral=None,
            received_at=received_at,
            stream=stream,
            filename=filename,
            their_reference=their_reference,
            decided_by=decided_by,
            channel=channel,
            now=now,
            action="response.registered_unsolicited",
        )
