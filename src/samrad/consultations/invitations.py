"""Invitations to answer a consultation: one formal e-mail to each referral body's registry, and one personal
e-mail with a login link to each of the body's people (its members and its contact people in the register).

`invitations_send_pending` invites every body on an open consultation's list that has not been invited yet. It
runs when the consultation opens and after each later addition to the list; running it again invites nobody
twice (the referral's `invited_at` is set under a row lock, and each outbox row has a dedupe key per referral
and recipient). Messages go through the outbox, so they leave only once the transaction has committed.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from samrad.accounts.login_links import login_link_url, login_link_validity_text
from samrad.accounts.models import Membership, User
from samrad.accounts.selectors import user_find_by_email
from samrad.accounts.services import membership_add, user_create
from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.calendar import deadline_attachment
from samrad.consultations.deadlines import effective_deadline
from samrad.consultations.models import Consultation, ConsultationDocument, Referral
from samrad.notifications.services import Attachment, email_enqueue_template
from samrad.organisations.models import Organisation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InvitationResult:
    invited: list[Referral] = field(default_factory=list)
    # Bodies with neither a registry address nor any people: nobody could be told; they stay uninvited.
    unreachable: list[Referral] = field(default_factory=list)
    emails: int = 0


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


def _system_or_manager(actor: Actor, consultation: Consultation) -> None:
    if actor is not None and not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


# --- Invitations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shared:
    """What every invitation of one consultation has in common (read once, not once per body)."""

    senders: str
    reply_to: list[str]
    documents: list[dict[str, str]]


def _invite(*, actor: Actor, consultation: Consultation, referral: Referral, shared: _Shared) -> int:
    """Queue the invitation e-mails of one body; returns how many were queued."""
    template = "consultations/email/added_late" if referral.added_after_opening else "consultations/email/invitation"
    context = body_context(consultation, referral, senders=shared.senders, documents=shared.documents)
    attachment = calendar_for(consultation, referral)
    reply_to = shared.reply_to
    sent = 0
    registry = referral.organisation.registry_email
    if registry:
        email_enqueue_template(
            to=[registry],
            template=template,
            context={**context, "personal": False},
            attachments=[attachment],
            reply_to=reply_to,
            category="consultations.invitation",
            dedupe_key=f"consultations.invitation:{referral.pk}:registry",
        )
        sent += 1
    next_url = respond_path(consultation, referral.organisation)
    validity = login_link_validity_text()
    for person in referral_people(actor=actor, organisation=referral.organisation):
        email_enqueue_template(
            to=[person.email],
            template=template,
            context={
                **context,
                "personal": True,
                "person": person,
                "login_link": login_link_url(person, next_url=next_url),
                "validity": validity,
            },
            attachments=[attachment],
            reply_to=reply_to,
            category="consultations.invitation",
            dedupe_key=f"consultations.invitation:{referral.pk}:user:{person.pk}",
        )
        sent += 1
    return sent


def pending_invitations(consultation: Consultation) -> QuerySet[Referral]:
    """The bodies on the list that have not been invited yet."""
    return Referral.objects.filter(consultation=consultation, invited_at__isnull=True)


def invitations_send_pending(*, actor: Actor, consultation: Consultation) -> InvitationResult:
    """Invite every body on the list not invited yet, if the consultation is open (else nothing happens).
    `actor` is the coordinator who caused it, or None for the system."""
    _system_or_manager(actor, consultation)
    invited: list[Referral] = []
    unreachable: list[Referral] = []
    emails = 0
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.status != Consultation.Status.OPEN:
            return InvitationResult()
        shared = _Shared(
            senders=sender_names(locked), reply_to=sender_addresses(locked), documents=document_links(locked)
        )
        referrals = (
            pending_invitations(locked)
            .select_for_update(of=("self",))
            .select_related("organisation")
            .order_by("organisation__name", "pk")
        )
        now = timezone.now()
        for referral in referrals:
            count = _invite(actor=actor, consultation=locked, referral=referral, shared=shared)
            if count == 0:
                unreachable.append(referral)
                continue
            referral.invited_at = now
            referral.save(update_fields=["invited_at"])
            invited.append(referral)
            emails += count
        if invited or unreachable:
            audit_record(
                actor=actor,
                action="consultation.invitations_sent",
                target=locked,
                changes={
                    "invited": [r.organisation_id for r in invited],
                    "unreachable": [r.organisation_id for r in unreachable],
                    "emails": emails,
                },
            )
    return InvitationResult(invited=invited, unreachable=unreachable, emails=emails)
