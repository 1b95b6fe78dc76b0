"""The registry's way in: whoever reads an organisation's registry mailbox (registratur) may act for it.

Most organisations are known to a sender only by their registry address. `registry_access_ensure` gives that
address an account and the registry role at the organisation, so that the invitation can carry a login link and
the sign-in page can send one. The role follows the address: when the organisation changes its registry address
(which only its own coordinators, its registry or platform staff may do), the old mailbox loses the role — at
once in every permission check (`selectors.current_registry_q`), and its membership is removed the next time
this runs. No sender's coordinator is involved: the register, kept by the organisation itself, vouches for it.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from samrad.accounts.login_links import grant_link_until, login_link_url
from samrad.accounts.models import Membership, User
from samrad.accounts.selectors import user_find_by_email, users_with_email
from samrad.accounts.services import membership_add, membership_remove, user_create
from samrad.organisations.models import Organisation

logger = logging.getLogger(__name__)

# Who gives and takes the registry role in the audit log: the register itself, not the person who caused it.
REGISTRY_ACTOR = "registry"


@transaction.atomic
def registry_access_ensure(organisation: Organisation) -> User | None:
    """The active user behind `organisation`'s registry address, with the registry role there (made if need be);
    None when the organisation has no registry address or its account is deactivated. Idempotent. Removes the
    registry role from anyone whose address is no longer the registry address. A member who already has a role
    there keeps it if it is coordinator (a coordinator may do all a registry may); a respondent becomes the
    registry."""
    organisation = Organisation.objects.get(pk=organisation.pk)
    address = organisation.registry_email.strip()
    stale = Membership.objects.filter(organisation=organisation, role=Membership.Role.REGISTRY).select_related("user")
    for membership in stale:
        if not address or membership.user.email.lower() != address.lower():
            membership_remove(actor=REGISTRY_ACTOR, membership=membership)
    if not address:
        return None
    user = user_find_by_email(address, active_only=False)
    if user is None:
        try:
            user = user_create(actor=REGISTRY_ACTOR, email=address)
        except ValidationError:
            # A concurrent request made it first, or the address is one the account rules refuse.
            user = users_with_email(address).first()
            if user is None:
                logger.warning("No account could be made for the registry of organisation %s", organisation.pk)
                return None
    if not user.is_active:
        return None
    current = Membership.objects.filter(user=user, organisation=organisation).first()
    if current is None or current.role == Membership.Role.RESPONDENT:
        membership_add(actor=REGISTRY_ACTOR, user=user, organisation=organisation, role=Membership.Role.REGISTRY)
    return user


def registry_organisations(address: str) -> list[Organisation]:
    """Active organisations whose registry address is `address` (ignoring case)."""
    address = address.strip()
    if not address:
        return []
    return list(Organisation.objects.filter(registry_email__iexact=address, is_active=True).order_by("pk"))


def registry_access_refresh_for(address: str) -> None:
    """Before a login link is sent to `address`: give it the registry role wherever it is the registry address,
    and take the role away wherever it no longer is."""
    organisations = {organisation.pk: organisation for organisation in registry_organisations(address)}
    held = Organisation.objects.filter(
        memberships__role=Membership.Role.REGISTRY, memberships__user__in=users_with_email(address)
    )
    for organisation in held:
        organisations.setdefault(organisation.pk, organisation)
    for organisation in organisations.values():
        registry_access_ensure(organisation)


def registry_login_link(
    organisation: Organisation, *, next_url: str = "", valid_until: dt.datetime | None = None
) -> str | None:
    """A login link for the organisation's registry mailbox (made if need be), opening `next_url`; with
    `valid_until` a grant link (capped, see accounts.login_links.grant_link_until). None without a registry
    address. For the demo's printed links and for operators; invitations make their own."""
    user = registry_access_ensure(organisation)
    if user is None:
        return None
    until = grant_link_until(valid_until) if valid_until is not None else None
    return login_link_url(user, next_url=next_url, valid_until=until)
