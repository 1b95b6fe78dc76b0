"""An organisation's people, managed by the organisation itself: its coordinators and its registry (its
gatekeepers, `samrad.actors.MANAGE_PEOPLE`) and platform staff invite colleagues, give and take their roles and
remove people who leave. Nobody at another organisation can: a role gives access to the organisation's drafts.

The registry role is not given or taken here: it follows the organisation's registry address
(`accounts.registry`). Removing a person also withdraws every consultation passed on to them there.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.accounts.login_links import login_link_url, login_link_validity_text
from samrad.accounts.models import Delegation, Membership
from samrad.accounts.selectors import user_find_by_email
from samrad.accounts.services import email_normalise, membership_add, membership_remove, user_create
from samrad.actors import MANAGE_PEOPLE, Actor, may
from samrad.audit.services import audit_record
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.notifications.services import email_enqueue
from samrad.organisations.models import Organisation

# The roles a gatekeeper gives; the registry role follows the registry address instead.
GIVEN_ROLES = (Membership.Role.COORDINATOR, Membership.Role.RESPONDENT)


def _require(actor: Actor, organisation: Organisation) -> None:
    if not may(actor, MANAGE_PEOPLE, organisation):
        raise PermissionDenied(
            _("Only %(organisation)s’s own coordinators, its registry or platform staff may manage its people.")
            % {"organisation": organisation.name}
        )


def _check_role(role: str) -> None:
    if role not in GIVEN_ROLES:
        raise InvalidInput(_("Choose coordinator or respondent."), field="role")


@transaction.atomic
def person_invite(*, actor: Actor, organisation: Organisation, email: str, role: str) -> Membership:
    """Give a colleague (made an account if they have none) `role` at `organisation` and e-mail them a login link.
    Someone who already belongs there is refused: change their role instead."""
    _require(actor, organisation)
    _check_role(role)
    try:
        address = email_normalise(email)
    except Exception:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    user = user_find_by_email(address, active_only=False)
    if user is None:
        user = user_create(actor=actor, email=address, for_organisation=organisation)
    if not user.is_active:
        raise InvalidInput(_("This person’s account is deactivated; ask platform staff."), field="email")
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise InvalidInput(
            _("This person already belongs to the organisation; change their role instead."), field="email"
        )
    membership = membership_add(actor=actor, user=user, organisation=organisation, role=role)
    context = {
        "user": user,
        "organisation": organisation,
        "inviter": str(actor) if getattr(actor, "is_authenticated", False) else organisation.name,
        "role": membership.get_role_display(),
        "link": login_link_url(user, next_url=reverse("accounts:profile")),
        "validity": login_link_validity_text(),
    }
    email_enqueue(
        to=[user.email],
        subject=_("You have been added to %(organisation)s in Samråd") % {"organisation": organisation.name},
        body_text=render_to_string("accounts/email/person_invited.txt", context),
        category="accounts.person_invited",
    )
    return membership


def _membership_for(organisation: Organisation, membership: Membership) -> Membership:
    """The stored membership, if it belongs to `organisation` (the caller's instance counts for its key only)."""
    stored = Membership.objects.select_related("user", "organisation").filter(pk=membership.pk).first()
    if stored is None or stored.organisation_id != organisation.pk:
        raise PermissionDenied(_("This person does not belong to this organisation."))
    return stored


@transaction.atomic
def person_role_set(*, actor: Actor, organisation: Organisation, membership: Membership, role: str) -> Membership:
    """Change a person's role at the organisation (coordinator or respondent)."""
    _require(actor, organisation)
    _check_role(role)
    membership = _membership_for(organisation, membership)
    if membership.role == Membership.Role.REGISTRY:
        raise NotAllowedNow(
            _("The registry’s role follows the organisation’s registry address; change the address instead.")
        )
    return membership_add(actor=actor, user=membership.user, organisation=organisation, role=role)


@transaction.atomic
def person_remove(*, actor: Actor, organisation: Organisation, membership: Membership) -> None:
    """A person leaves the organisation: their membership ends and every consultation passed on to them there is
    withdrawn, so they keep no access to its drafts."""
    _require(actor, organisation)
    membership = _membership_for(organisation, membership)
    if membership.role == Membership.Role.REGISTRY:
        raise NotAllowedNow(
            _("The registry’s role follows the organisation’s registry address; change the address instead.")
        )
    now = timezone.now()
    for delegation in Delegation.objects.select_for_update().filter(
        organisation=organisation, user=membership.user_id, withdrawn_at=None
    ):
        delegation.withdrawn_at = now
        delegation.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            action="consultation.pass_on_withdrawn",
            target=delegation,
            changes={"withdrawn_at": [None, True], "reason": "person_removed"},
        )
    membership_remove(actor=actor, membership=membership)
