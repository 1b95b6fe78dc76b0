"""The answers to `user.has_perm(...)` for the platform's roles: the one place that says which role may what.

Other apps ask with the names in `samrad.actors` (`user.has_perm(COORDINATE)`,
`user.has_perm(ACT_FOR_ORGANISATION, organisation)`), so that they need not import this app. Django asks every
backend in AUTHENTICATION_BACKENDS; this one authenticates nobody and only answers for the names it knows.
An active superuser passes every check in Django itself before any backend is asked.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from samrad.accounts.models import Membership
from samrad.accounts.selectors import gatekeeper_memberships
from samrad.actors import ACT_FOR_ORGANISATION, COORDINATE, DELEGATE, MANAGE_PEOPLE, PLATFORM_STAFF, is_platform_staff

# Asked of an organisation: its own gatekeepers (coordinators and its current registry) and platform staff say yes.
GATEKEEPER_PERMISSIONS = frozenset({ACT_FOR_ORGANISATION, MANAGE_PEOPLE, DELEGATE})


class RolePermissionBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not (getattr(user_obj, "is_authenticated", False) and user_obj.is_active):
            return False
        if perm == PLATFORM_STAFF:
            return is_platform_staff(user_obj)
        if perm == COORDINATE:
            return (
                is_platform_staff(user_obj) or _memberships(user_obj).filter(role=Membership.Role.COORDINATOR).exists()
            )
        if perm in GATEKEEPER_PERMISSIONS:
            if obj is None or getattr(obj, "pk", None) is None:
                return False
            return (
                is_platform_staff(user_obj) or gatekeeper_memberships(user_obj).filter(organisation_id=obj.pk).exists()
            )
        return False


def _memberships(user: Any) -> Any:
    return Membership.objects.filter(user_id=user.pk)
