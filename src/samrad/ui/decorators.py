"""Decorators the apps' views share: who may open a page at all. Which object someone may see is decided by
each app's scoped getters (`access.consultation_get_managed(...)`: 404 for anyone else)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samrad.actors import COORDINATE

type View = Callable[..., HttpResponseBase]


def permission_required(permission: str, reason: str | Promise) -> Callable[[View], View]:
    """Anonymous visitors go to the login page; people without `permission` get a 403 page that says `reason`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(permission):
                raise PermissionDenied(str(reason))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def coordinator_required(view: View | None = None, *, reason: str | Promise | None = None) -> Any:
    """Only coordinators (of any organisation) and platform staff: `@coordinator_required`, or with the reason
    shown to everyone else, `@coordinator_required(reason=_("Only coordinators run dialogue series."))`."""
    decorator = permission_required(COORDINATE, reason or _("Only coordinators may open this page."))
    return decorator(view) if view is not None else decorator
