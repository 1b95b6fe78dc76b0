"""Reads about people and their roles, shared by pages, the API and other apps' permission checks."""

from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Lower

from samrad.accounts.models import Delegation, Membership, User
from samrad.actors import is_platform_staff
from samrad.organisations.models import Organisation


def user_is_coordinator(user: Any) -> bool:
    """Staff of a sending body (or a Django staff user): may run consultations and curate the register."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()


def user_is_coordinator_of(user: Any, organisation: Organisation) -> bool:
    """Whether the user is a coordinator at this particular organisation (staff count everywhere)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organisation=organisation, role=Membership.Role.COORDINATOR).exists()


def organisations_for_user(user: Any, *, role: str | None = None) -> QuerySet[Organisation]:
    """The organisations the user belongs to (optionally only in one role)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def memberships_for_user(user: Any) -> QuerySet[Membership]:
    """The user's memberships with their organisations, in organisation-name order."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation", "user").order_by("organisation__name")


def users_with_email(email: str) -> QuerySet[User]:
    """Users whose address equals `email` ignoring case, compared the way the uniqueness constraint compares
    (the database's LOWER on both sides, so PostgreSQL can use the constraint's index)."""
    return User.objects.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email.strip())))


def user_find_by_email(email: str, *, active_only: bool = True) -> User | None:
    """The user with this e-mail address (ignoring case), or None."""
    users = users_with_email(email)
    if active_only:
        users = users.filter(is_active=True)
    return users.first()


def user_is_platform_staff(user: Any) -> bool:
    """The platform's own operators (Django staff): they alone see platform-wide records such as every
    organisation's outgoing mail and the whole audit log."""
    return is_platform_staff(user)


def current_registry_q(prefix: str = "") -> Q:
    """Memberships in the registry role that still count: the member's address is still the organisation's
    registry address. When an organisation changes its registry address the old mailbox loses its rights at
    once, before `registry_access_ensure` has removed the stale membership. `prefix` reaches the membership
    through a relation ("memberships__")."""
    return Q(**{f"{prefix}role": Membership.Role.REGISTRY}) & Q(
        **{f"{prefix}organisation__registry_email__iexact": F(f"{prefix}user__email")}
    )


def valid_memberships() -> QuerySet[Membership]:
    """Memberships that give access: every role, except a registry role whose mailbox is no longer the
    organisation's registry."""
    return Membership.objects.filter(~Q(role=Membership.Role.REGISTRY) | current_registry_q())


def gatekeeper_memberships(user: Any) -> QuerySet[Membership]:
    """The user's memberships that let them act for the organisation itself: coordinator, or its current
    registry."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, user__is_active=True).filter(
        Q(role=Membership.Role.COORDINATOR) | current_registry_q()
    )


def membership_is_gatekeeper(membership: Membership) -> bool:
    """`gatekeeper_memberships` for one membership already read with its user and organisation (no query)."""
    if membership.role == Membership.Role.COORDINATOR:
        return True
    address = membership.organisation.registry_email
    return bool(
        membership.role == Membership.Role.REGISTRY and address and address.lower() == membership.user.email.lower()
    )


def organisation_people(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's members with their users, by name (the people page)."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def organisation_delegations(organisation: Organisation) -> QuerySet[Delegation]:
    """The consultations passed on within the organisation that are still in force, with who has them."""
    return (
        Delegation.objects.filter(organisation=organisation, withdrawn_at=None)
        .select_related("user", "consultation", "given_by")
        .order_by("user__email", "created_at")
    )
