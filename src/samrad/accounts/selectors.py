"""Reads about people and their roles, shared by pages, the API and other apps' permission checks."""

from typing import Any

from django.db.models import QuerySet

from samrad.accounts.models import Membership
from samrad.organisations.models import Organisation


def user_is_coordinator(user: Any) -> bool:
    """Staff of a sending body (or a Django staff user): may run consultations and curate the register."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()


def organisations_for_user(user: Any, *, role: str | None = None) -> QuerySet[Organisation]:
    """The organisations the user belongs to (optionally only in one role)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))
