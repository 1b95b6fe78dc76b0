"""Passing a consultation on (vidarebefordra) within a referral body.

A remiss reaches an organisation's registry, which passes it to the official who drafts the answer. Here the
registry (or one of the organisation's coordinators: its gatekeepers, `samrad.actors.DELEGATE`) enters one or
more colleagues' e-mail addresses; each gets an account if they have none, a respondent membership of the
organisation (marked `via_pass_on`) and a personal e-mail with a login link to the answer page, valid until the
deadline. The page lists who has it; a pass-on can be withdrawn, and the membership it gave ends with the
person's last pass-on (a role given otherwise stays). Every step is audited. Nobody outside the organisation
can pass on its consultations: a sender's coordinator gives no roles at another organisation.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.accounts.login_links import grant_link_until, login_link_url
from samrad.accounts.models import Delegation, Membership, User
from samrad.accounts.selectors import user_find_by_email
from samrad.accounts.services import email_normalise, membership_add, membership_remove, user_create
from samrad.actors import DELEGATE, Actor, may
from samrad.audit.services import audit_record
from samrad.consultations.deadlines import effective_deadline
from samrad.consultations.invitations import body_context, respond_path, sender_addresses
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import Referral
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.notifications.services import email_enqueue_template

MAX_ADDRESSES = 20


def _require_gatekeeper(actor: Actor, referral: Referral) -> None:
    if not may(actor, DELEGATE, referral.organisation):
        raise PermissionDenied(
            _(
                "Only %(organisation)s’s registry or its coordinators may pass its consultations on. "
                "A sender cannot give anyone a role at another organisation."
            )
            % {"organisation": referral.organisation.name}
        )


def parse_addresses(text: str) -> list[str]:
    """The addresses in `text` (one a line, or separated by commas, semicolons or spaces), normalised and without
    repeats. Raises InvalidInput naming the first address that is not one."""
    seen: dict[str, str] = {}
    for raw in text.replace(",", " ").replace(";", " ").split():
        try:
            address = email_normalise(raw)
        except ValidationError:
            raise InvalidInput(
                _("“%(address)s” is not an e-mail address.") % {"address": raw}, field="emails"
            ) from None
        seen.setdefault(address.lower(), address)
    if not seen:
        raise InvalidInput(_("Enter at least one e-mail address."), field="emails")
    if len(seen) > MAX_ADDRESSES:
        raise InvalidInput(_("Enter at most %(count)d addresses at a time.") % {"count": MAX_ADDRESSES}, field="emails")
    return list(seen.values())


def _colleague(*, actor: Actor, referral: Referral, address: str) -> User:
    user = user_find_by_email(address, active_only=False)
    if user is None:
        user = user_create(actor=actor, email=address, for_organisation=referral.organisation)
    if not user.is_active:
        raise InvalidInput(
            _("The account of %(address)s is deactivated; ask platform staff.") % {"address": address}, field="emails"
        )
    return user


def _send(*, actor: Actor, delegation: Delegation, referral: Referral) -> None:
    consultation = referral.consultation
    until = grant_link_until(effective_deadline(referral, consultation))
    link = login_link_url(
        delegation.user, next_url=respond_path(consultation, referral.organisation), valid_until=until
    )
    given_by = str(actor) if getattr(actor, "is_authenticated", False) else referral.organisation.name
    email_enqueue_template(
        to=[delegation.user.email],
        template="consultations/email/passed_on",
        context=body_context(
            consultation,
            referral,
            person=delegation.user,
            given_by=given_by,
            login_link=link,
            link_until=timezone.localtime(until),
        ),
        reply_to=sender_addresses(consultation),
        category="consultations.passed_on",
        dedupe_key=f"consultations.passed_on:{delegation.pk}:{timezone.now().timestamp()}",
    )


@transaction.atomic
def delegation_give(*, actor: Actor, referral: Referral, emails: list[str]) -> list[Delegation]:
    """Pass `referral`'s consultation on to the colleagues at `emails` (see the module's docstring). Someone who
    already has it gets a fresh e-mail (a new link), not a second pass-on. Returns the pass-ons, in the order of
    the addresses."""
    referral = Referral.objects.select_related("consultation", "organisation").get(pk=referral.pk)
    _require_gatekeeper(actor, referral)
    if not phase_allows(referral.consultation, "answer"):
        raise NotAllowedNow(_("The consultation is not open for answers, so it cannot be passed on."))
    addresses = [email_normalise(address) for address in emails]
    if not addresses:
        raise InvalidInput(_("Enter at least one e-mail address."), field="emails")
    given: list[Delegation] = []
    for address in addresses:
        user = _colleague(actor=actor, referral=referral, address=address)
        if not Membership.objects.filter(user=user, organisation=referral.organisation).exists():
            membership_add(
                actor=actor,
                user=user,
                organisation=referral.organisation,
                role=Membership.Role.RESPONDENT,
                via_pass_on=True,
            )
        delegation = Delegation.objects.filter(
            consultation=referral.consultation, organisation=referral.organisation, user=user, withdrawn_at=None
        ).first()
        if delegation is None:
            delegation = Delegation.objects.create(
                consultation=referral.consultation,
                organisation=referral.organisation,
                user=user,
                given_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            action = "consultation.passed_on"
        else:
            action = "consultation.pass_on_resent"
        audit_record(
            actor=actor,
            action=action,
            target=delegation,
            changes={
                "consultation": referral.consultation_id,
                "organisation": referral.organisation_id,
                "user": user.pk,
            },
        )
        _send(actor=actor, delegation=delegation, referral=referral)
        given.append(delegation)
    return given


@transaction.atomic
def delegation_withdraw(*, actor: Actor, delegation: Delegation) -> Delegation:
    """Withdraw a pass-on. The colleague's respondent membership ends with their last active pass-on at the
    organisation, if the membership came from passing on; a role given otherwise stays."""
    delegation = Delegation.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=delegation.pk)
    if not may(actor, DELEGATE, delegation.organisation):
        raise PermissionDenied(_("Only the organisation’s registry or its coordinators may withdraw a pass-on."))
    if delegation.withdrawn_at is not None:
        return delegation
    delegation.withdrawn_at = timezone.now()
    delegation.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor, action="consultation.pass_on_withdrawn", target=delegation, changes={"withdrawn_at": [None, True]}
    )
    others = Delegation.objects.filter(
        organisation=delegation.organisation, user=delegation.user_id, withdrawn_at=None
    ).exists()
    membership = Membership.objects.filter(
        user=delegation.user_id, organisation=delegation.organisation, via_pass_on=True
    ).first()
    if membership is not None and not others:
        membership_remove(actor=actor, membership=membership)
    return delegation


def delegations_for(*, referral: Referral) -> QuerySet[Delegation]:
    """Who the consultation was passed on to at this organisation, in the order it happened, with the people."""
    return Delegation.objects.filter(
        consultation=referral.consultation_id, organisation=referral.organisation_id
    ).select_related("user", "given_by")
