"""Invitations to answer a consultation: one formal e-mail to each referral body's registry, and one personal
e-mail with a login link to each of the body's people (its members and its contact people in the register).

Opening a consultation (or adding bodies to an open one) only starts the invitations (`invitations_start`): the
request changes the status and records it, and the e-mails are queued in the background, in batches of
INVITATION_BATCH_SIZE bodies (`invitations_send_batch`, run by the task `send_invitation_batch`, which queues
the next batch until every body is done). Each referral records that its invitation was queued (`invited_at`)
or that nobody could be told (`unreachable_at`), in the same transaction as its messages, so a batch that dies
is simply done again, and the periodic sweep (`invitations_resume_stalled`) restarts a chain of batches that
stopped. Nobody is invited twice (see `invitations_send_batch`). Messages go through the outbox, so they leave
only once the batch has committed.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list, slugify
from django.utils.translation import gettext as _

from samrad.accounts.login_links import grant_link_until, login_link_url, login_link_validity_text
from samrad.accounts.models import Membership, User
from samrad.accounts.registry import registry_access_ensure
from samrad.accounts.selectors import user_find_by_email
from samrad.accounts.services import membership_add, user_create
from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations.calendar import deadline_attachment
from samrad.consultations.deadlines import effective_deadline
from samrad.consultations.letters import Letter, letter_for, letter_pdf
from samrad.consultations.models import Consultation, ConsultationDocument, ConsultationSender, Referral
from samrad.documents.pdf import PdfRenderError
from samrad.notifications.rendering import RenderedEmail, render_email
from samrad.notifications.services import Attachment, email_enqueue_template
from samrad.organisations.models import Organisation

logger = logging.getLogger(__name__)


# --- Links and context shared by the consultation e-mails ---------------------------------------------------


def respond_path(consultation: Consultation, organisation: Organisation) -> str:
    """Where a body's people draft its answer (the respondent pages)."""
    return reverse("consultations:respond", args=[consultation.pk, organisation.pk])


def public_url(consultation: Consultation) -> str:
    return f"{settings.SITE_URL}{reverse('consultations:detail', args=[consultation.pk])}"


def document_links(consultation: Consultation) -> list[dict[str, str]]:
    documents = ConsultationDocument.objects.filter(consultation=consultation).order_by("order", "id")
    return [
        {
            "title": document.title,
            "url": f"{settings.SITE_URL}{reverse('consultations:document', args=[consultation.pk, document.pk])}",
        }
        for document in documents
    ]


def sender_names(consultation: Consultation) -> str:
    names = [link.organisation.name for link in consultation.sender_links.select_related("organisation")]
    return str(get_text_list(names, _("and")))


def sender_addresses(consultation: Consultation) -> list[str]:
    """The senders' registry addresses: where replies (and answers sent by e-mail) should go."""
    return [
        address
        for address in consultation.sender_links.values_list("organisation__registry_email", flat=True)
        if address
    ]


def body_context(
    consultation: Consultation, referral: Referral, *, senders: str | None = None, **extra: Any
) -> dict[str, Any]:
    """What every e-mail to a referral body needs to say: which consultation, whose, by when, where."""
    deadline = effective_deadline(referral, consultation)
    return {
        "consultation": consultation,
        "organisation": referral.organisation,
        "referral": referral,
        "senders": sender_names(consultation) if senders is None else senders,
        "deadline": timezone.localtime(deadline),
        "has_own_deadline": deadline != consultation.deadline,
        "public_url": public_url(consultation),
        "respond_url": f"{settings.SITE_URL}{respond_path(consultation, referral.organisation)}",
        "login_url": f"{settings.SITE_URL}{reverse('accounts:login')}",
        **extra,
    }


def calendar_for(consultation: Consultation, referral: Referral) -> Attachment:
    return deadline_attachment(
        consultation=consultation,
        organisation=referral.organisation,
        deadline=effective_deadline(referral, consultation),
        url=f"{settings.SITE_URL}{respond_path(consultation, referral.organisation)}",
    )


# --- The people of a referral body -----------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]) if len(parts) > 1 else parts[0], parts[-1] if len(parts) > 1 else ""


# Who creates contact people's accounts and memberships in the audit log. Contacts can only be changed by the
# organisation's own members or platform staff (organisations.services), so the register vouches for them; the
# coordinator sending the invitation could not give a role at another organisation themselves.
INVITATION_ACTOR = "invitation"


def referral_people(*, actor: Actor, organisation: Organisation) -> list[User]:
    """The active people who answer for `organisation`: its members, and its contact people in the register.
    A contact person without an account gets one (and a respondent membership), so that their personal login
    link works; one with an account elsewhere is made a respondent here too. Both are audited. `actor` is who
    caused the invitation; the accounts are created on the register's authority (INVITATION_ACTOR)."""
    for contact in organisation.contacts.all():
        user = user_find_by_email(contact.email, active_only=False)
        if user is None:
            first_name, last_name = _split_name(contact.name)
            try:
                user = user_create(
                    actor=INVITATION_ACTOR, email=contact.email, first_name=first_name, last_name=last_name
                )
            except ValidationError:
                # An address the account rules refuse; the registry is still told, the contact is skipped.
                logger.warning("No account could be made for contact person %s", contact.pk)
                continue
        if not user.is_active:
            continue
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            membership_add(
                actor=INVITATION_ACTOR, user=user, organisation=organisation, role=Membership.Role.RESPONDENT
            )
    return list(
        User.objects.filter(memberships__organisation=organisation, is_active=True).distinct().order_by("email", "pk")
    )


def referral_people_preview(organisation: Organisation) -> list[User]:
    """Who `referral_people` would return, without creating anything: the active members, and the contact people
    in the register (a contact without an account appears as an unsaved User, the account it would get)."""
    people = {
        user.email.lower(): user
        for user in User.objects.filter(memberships__organisation=organisation, is_active=True).distinct()
    }
    for contact in organisation.contacts.all():
        key = contact.email.lower()
        if key in people:
            continue
        user = user_find_by_email(contact.email, active_only=False)
        if user is None:
            first_name, last_name = _split_name(contact.name)
            user = User(email=contact.email, first_name=first_name, last_name=last_name)
        if user.is_active:
            people[key] = user
    return sorted(people.values(), key=lambda user: (user.email, user.pk or 0))


def registry_user_ids(organisation: Organisation) -> set[int]:
    """The accounts behind the organisation's registry mailbox: they get the registry's e-mail, not a personal
    one."""
    address = organisation.registry_email
    if not address:
        return set()
    return set(
        Membership.objects.filter(organisation=organisation, role=Membership.Role.REGISTRY).values_list(
            "user_id", flat=True
        )
    ) | set(User.objects.filter(email__iexact=address).values_list("pk", flat=True))


def registry_context(consultation: Consultation, referral: Referral, people: list[User]) -> dict[str, Any]:
    """What the registry's e-mail says is true for it: who has personal links, and a grant link (valid until the
    deadline, see accounts.login_links) with which the mailbox can pass the consultation on, answer, decline or
    ask for more time. Without a registry account (deactivated) there is no link."""
    registry_user = registry_access_ensure(referral.organisation)
    context: dict[str, Any] = {"people_with_links": [str(person) for person in people]}
    if registry_user is not None:
        until = grant_link_until(effective_deadline(referral, consultation))
        path = reverse("consultations:pass_on", args=[consultation.pk, referral.organisation.pk])
        context["registry_link"] = login_link_url(registry_user, next_url=path, valid_until=until)
        context["registry_link_until"] = timezone.localtime(until)
    return context


# --- Invitations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shared:
    """What every invitation of one consultation has in common (read once, not once per body)."""

    senders: str
    reply_to: list[str]
    documents: list[dict[str, str]]
    letter: Letter
    letter_url: str
    letter_attachment: Attachment | None

    @classmethod
    def of(cls, consultation: Consultation) -> "_Shared":
        letter = letter_for(consultation)
        attachment = None
        if letter.text:
            reference = slugify(consultation.reference_number) or str(consultation.pk)
            try:
                content = letter_pdf(consultation)
            except PdfRenderError:
                # The letter's text and its link are in the e-mail anyway: a broken PDF must not stop invitations.
                logger.exception("The covering letter of consultation %s could not be rendered", consultation.pk)
            else:
                attachment = Attachment(
                    filename=f"missiv-{reference}.pdf", content=content, content_type="application/pdf"
                )
        return cls(
            senders=sender_names(consultation),
            reply_to=sender_addresses(consultation),
            documents=document_links(consultation),
            letter=letter,
            letter_url=f"{settings.SITE_URL}{reverse('consultations:letter_pdf', args=[consultation.pk])}",
            letter_attachment=attachment,
        )


@dataclass(frozen=True)
class InvitationEmail:
    """One invitation message exactly as it is queued: its recipient, template, context and attachments.
    `invitation_emails` builds them; sending queues them (`enqueue`), the preview shows them (`render`)."""

    to: list[str]
    template: str
    context: dict[str, Any]
    attachments: list[Attachment]
    reply_to: list[str]
    dedupe_key: str
    personal: bool
    category: str = "consultations.invitation"

    def render(self, language: str = "sv") -> RenderedEmail:
        return render_email(self.template, self.context, language=language)

    def enqueue(self) -> None:
        email_enqueue_template(
            to=self.to,
            template=self.template,
            context=self.context,
            attachments=self.attachments,
            reply_to=self.reply_to,
            category=self.category,
            dedupe_key=self.dedupe_key,
        )


PREVIEW_LOGIN_LINK = "{login_link}"


def invitation_emails(
    consultation: Consultation,
    referral: Referral,
    *,
    actor: Actor = None,
    shared: _Shared | None = None,
    preview: bool = False,
) -> list[InvitationEmail]:
    """The invitation e-mails of one referral body: one to its registry (if it has an address) and one personal
    e-mail with a login link to each of its people. What is sent and what the preview shows both come from here.

    Sending (`preview=False`) gives contact people without an account one (see `referral_people`) and mints
    their login links. The preview writes nothing: it lists the people who already have an account, and their
    messages carry a placeholder instead of a login link; the registry's message is the one that will be sent."""
    shared = shared or _Shared.of(consultation)
    template = "consultations/email/added_late" if referral.added_after_opening else "consultations/email/invitation"
    context = body_context(
        consultation,
        referral,
        senders=shared.senders,
        documents=shared.documents,
        letter=shared.letter,
        letter_url=shared.letter_url,
    )
    attachments = [calendar_for(consultation, referral)]
    if shared.letter_attachment is not None:
        attachments.append(shared.letter_attachment)
    next_url = respond_path(consultation, referral.organisation)
    validity = login_link_validity_text()
    # The accounts behind the registry mailbox get the registry's e-mail, not a personal one as well.
    registry_ids = registry_user_ids(referral.organisation)
    if preview:
        people = referral_people_preview(referral.organisation)
    else:
        people = referral_people(actor=actor, organisation=referral.organisation)
    people = [person for person in people if person.pk is None or person.pk not in registry_ids]
    emails: list[InvitationEmail] = []
    registry = referral.organisation.registry_email
    if registry:
        if preview:  # the registry's own link is minted (and its account made) only when it is sent
            access: dict[str, Any] = {
                "people_with_links": [str(person) for person in people],
                "registry_link": PREVIEW_LOGIN_LINK,
                "registry_link_until": timezone.localtime(grant_link_until(effective_deadline(referral, consultation))),
            }
        else:
            access = registry_context(consultation, referral, people)
        emails.append(
            InvitationEmail(
                to=[registry],
                template=template,
                # Who gets a personal link and what the registry's own link can do, so that its text is true.
                context={**context, "personal": False, "people": people, **access},
                attachments=attachments,
                reply_to=shared.reply_to,
                dedupe_key=f"consultations.invitation:{referral.pk}:registry",
                personal=False,
            )
        )
    for person in people:
        emails.append(
            InvitationEmail(
                to=[person.email],
                template=template,
                context={
                    **context,
                    "personal": True,
                    "person": person,
                    "login_link": PREVIEW_LOGIN_LINK if preview else login_link_url(person, next_url=next_url),
                    "validity": validity,
                },
                attachments=attachments,
                reply_to=shared.reply_to,
                dedupe_key=f"consultations.invitation:{referral.pk}:user:{person.pk}",
                personal=True,
            )
        )
    return emails


def _invite(*, actor: Actor, consultation: Consultation, referral: Referral, shared: _Shared) -> int:
    """Queue the invitation e-mails of one body; returns how many were queued."""
    emails = invitation_emails(consultation, referral, actor=actor, shared=shared)
    for email in emails:
        email.enqueue()
    return len(emails)


INVITATION_BATCH_SIZE = 100
# A fan-out that has shown no progress for this long has lost its task chain (a killed worker, a lost queue
# entry): the periodic sweep queues a batch for it again.
INVITATION_STALL_GRACE = dt.timedelta(minutes=2)


def pending_invitations(consultation: Consultation | int) -> QuerySet[Referral]:
    """The bodies on the list whose invitations have not been queued yet (and not found unreachable)."""
    return Referral.objects.filter(consultation=consultation, invited_at__isnull=True, unreachable_at__isnull=True)


@dataclass(frozen=True)
class InvitationProgress:
    """How far the invitations of one consultation have come (counted over the whole referral list)."""

    total: int
    invited: int
    unreachable: int

    @property
    def done(self) -> int:
        return self.invited + self.unreachable

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def running(self) -> bool:
        return self.pending > 0


def invitation_progress(consultation: Consultation) -> InvitationProgress:
    """One query, whatever the length of the list."""
    counts = Referral.objects.filter(consultation=consultation).aggregate(
        total=Count("pk"),
        invited=Count("pk", filter=Q(invited_at__isnull=False)),
        unreachable=Count("pk", filter=Q(invited_at__isnull=True, unreachable_at__isnull=False)),
    )
    return InvitationProgress(total=counts["total"], invited=counts["invited"], unreachable=counts["unreachable"])


def invitations_start(*, consultation: Consultation) -> None:
    """Start (or restart) sending the invitations of an open consultation in the background. Call it inside the
    transaction that opened the consultation or added bodies to its list: bodies found unreachable before get
    another try, and the first batch is queued once the transaction has committed. A fixed number of queries,
    whatever the length of the list."""
    Referral.objects.filter(consultation=consultation, invited_at__isnull=True, unreachable_at__isnull=False).update(
        unreachable_at=None
    )
    consultation_id = consultation.pk
    transaction.on_commit(lambda: invitations_queue_batch(consultation_id))


def invitations_queue_batch(consultation_id: int) -> None:
    """Queue one batch task. If the queue cannot take it, the periodic sweep queues it later; nothing is lost."""
    from samrad.consultations.tasks import send_invitation_batch

    try:
        send_invitation_batch.enqueue(consultation_id)
    except Exception:
        logger.exception("Could not queue invitations of consultation %s; the sweep will pick them up", consultation_id)


@dataclass(frozen=True)
class BatchResult:
    invited: list[int] = field(default_factory=list)  # referral ids
    unreachable: list[int] = field(default_factory=list)
    emails: int = 0
    remaining: int = 0

    @property
    def processed(self) -> int:
        return len(self.invited) + len(self.unreachable)


def invitations_send_batch(*, consultation_id: int, limit: int = INVITATION_BATCH_SIZE) -> BatchResult:
    """Queue the invitations of up to `limit` bodies not yet invited, in one transaction, as the system.

    Nobody is invited twice: the bodies are read and marked (`invited_at`, or `unreachable_at` when nobody could
    be told) in the same transaction, under row locks that a second worker skips (PostgreSQL) or waits for
    (SQLite's writers take turns); and each outbox message has a dedupe key per referral and recipient, so even
    a mark lost after the messages were queued cannot send them twice. A batch that dies rolls back whole:
    its bodies are still pending and the next batch (or the sweep) takes them. Does nothing unless the
    consultation is open."""
    with transaction.atomic():
        consultation = (
            Consultation.objects.filter(pk=consultation_id, status=Consultation.Status.OPEN)
            .prefetch_related(
                Prefetch("sender_links", queryset=ConsultationSender.objects.select_related("organisation"))
            )
            .first()
        )
        if consultation is None:
            return BatchResult()
        referrals = list(
            pending_invitations(consultation)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("organisation")
            .order_by("organisation__name", "pk")[:limit]
        )
        invited: list[Referral] = []
        unreachable: list[Referral] = []
        emails = 0
        if referrals:
            shared = _Shared.of(consultation)
            now = timezone.now()
            for referral in referrals:
                try:
                    with transaction.atomic():  # one body that cannot be invited must not hold up the others
                        count = _invite(actor=None, consultation=consultation, referral=referral, shared=shared)
                except Exception:
                    logger.exception("Could not invite referral %s; it stays pending", referral.pk)
                    continue
                if count:
                    referral.invited_at = now
                    invited.append(referral)
                    emails += count
                else:
                    referral.unreachable_at = now
                    unreachable.append(referral)
            Referral.objects.bulk_update([*invited, *unreachable], ["invited_at", "unreachable_at"])
        if invited or unreachable:
            audit_record(
                actor=None,
                action="consultation.invitations_sent",
                target=consultation,
                changes={
                    "invited": [r.organisation_id for r in invited],
                    "unreachable": [r.organisation_id for r in unreachable],
                    "emails": emails,
                },
            )
    remaining = pending_invitations(consultation_id).count()
    return BatchResult(
        invited=[r.pk for r in invited], unreachable=[r.pk for r in unreachable], emails=emails, remaining=remaining
    )


def invitations_resume_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """Queue a batch for every open consultation whose invitations have stopped before reaching everyone: bodies
    pending for longer than INVITATION_STALL_GRACE, and no batch finished within it. Returns the consultations'
    ids. A fan-out that is merely slow gets a second chain of batches; the two share the work safely."""
    now = now or timezone.now()
    since = now - INVITATION_STALL_GRACE
    waiting = Referral.objects.filter(
        consultation=OuterRef("pk"), invited_at__isnull=True, unreachable_at__isnull=True, added_at__lt=since
    )
    recent = Referral.objects.filter(consultation=OuterRef("pk")).filter(
        Q(invited_at__gte=since) | Q(unreachable_at__gte=since)
    )
    stalled = list(
        Consultation.objects.filter(status=Consultation.Status.OPEN, opened_at__lt=since)
        .filter(Exists(waiting))
        .exclude(Exists(recent))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for consultation_id in stalled:
        logger.warning("Invitations of consultation %s had stalled; queueing the next batch", consultation_id)
        invitations_queue_batch(consultation_id)
    return stalled
