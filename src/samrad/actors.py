"""Who acts in a service call, and the names of the permissions the apps ask about.

A service takes `actor=`: a person (a user), or the system itself (None or a label such as "import", "demo",
"system"). Apps ask the person what they may do with Django's own `user.has_perm(name, obj)`; the answers come
from one place, `samrad.accounts.permissions.RolePermissionBackend`. That keeps the lower apps (the register,
the audit log, the outbox) from importing the accounts app: the question travels with the user object.
"""

from typing import Any

type Actor = Any
"""A user (authenticated or anonymous) or the system (None or a label). Kept loose on purpose: views pass
`request.user`, tasks pass None or a label."""

# Platform staff (Django staff or superusers): platform-wide records such as every organisation's mail.
PLATFORM_STAFF = "samrad.platform_staff"
# A coordinator at any organisation (or staff): runs consultations and dialogues, curates the register.
COORDINATE = "samrad.coordinate"
# A coordinator or the registry of the organisation given as the object (or staff): decides where its mail goes.
ACT_FOR_ORGANISATION = "organisations.act_for"
# A coordinator or the registry of the organisation given as the object (or staff): invites its people, gives and
# takes their roles, removes them.
MANAGE_PEOPLE = "accounts.manage_people"
# A coordinator or the registry of the organisation given as the object (or staff): passes a consultation on to
# colleagues (consultations.delegation).
DELEGATE = "consultations.delegate"


def is_system(actor: Actor) -> bool:
    """True when the platform itself acts (a scheduled job, an import, the demo loader)."""
    return actor is None or isinstance(actor, str)


def is_platform_staff(user: Actor) -> bool:
    """The platform's own operators. Needs no database: it is a flag on the user."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def may(actor: Actor, permission: str, obj: Any = None) -> bool:
    """Whether `actor` has `permission` (on `obj`). The system may do everything."""
    if is_system(actor):
        return True
    has_perm = getattr(actor, "has_perm", None)
    return bool(has_perm is not None and getattr(actor, "is_active", True) and has_perm(permission, obj))
