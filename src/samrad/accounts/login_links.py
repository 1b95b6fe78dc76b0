"""Login links (django-sesame tokens): making them, checking them, and where they may lead.

A token is signed with SECRET_KEY, carries the user's id and its creation time, and is bound to the user's last
login, so it stops working after SESAME_MAX_AGE seconds or as soon as the user has logged in (single use).

A *grant link* lives longer: the invitation to an organisation's registry carries one valid until the
consultation's deadline, because a registry logs a remiss and passes it on over days, not minutes. Its end is
signed into the token (a sesame scope "grant:<unix time>") and repeated in the link's `grant` parameter, so it
cannot be stretched; it is never valid for longer than LOGIN_LINK_GRANT_MAX_AGE seconds, and it is spent by the
first login like every other link (the registry asks the sign-in page for a new one).
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from sesame.utils import get_token, get_user

from samrad.accounts.models import User


def safe_next_url(next_url: str | None) -> str:
    """`next_url` if it is a path on this site ("/remisser/12/"), else "". Addresses with a host, a scheme
    or a protocol-relative start ("//evil.example") are refused, so a link can never send anyone elsewhere."""
    candidate = (next_url or "").strip()
    if not candidate.startswith("/") or not url_has_allowed_host_and_scheme(candidate, allowed_hosts=None):
        return ""
    return candidate


GRANT_PARAMETER = "grant"


def _grant_scope(until: int) -> str:
    return f"grant:{until}"


def grant_link_until(deadline: dt.datetime, *, now: dt.datetime | None = None) -> dt.datetime:
    """When a grant link made now for a task due at `deadline` stops working: the deadline, but never later than
    LOGIN_LINK_GRANT_MAX_AGE from now, and never sooner than an ordinary link would."""
    now = now or timezone.now()
    longest = now + dt.timedelta(seconds=int(settings.LOGIN_LINK_GRANT_MAX_AGE))
    shortest = now + dt.timedelta(seconds=int(settings.SESAME_MAX_AGE))
    return max(shortest, min(deadline, longest))


def login_link_url(user: User, *, next_url: str = "", valid_until: dt.datetime | None = None) -> str:
    """An absolute link that logs `user` in once (after a confirming click) and then opens `next_url`. With
    `valid_until` it is a grant link that works until then (see `grant_link_until` for the limits)."""
    if valid_until is None:
        params = {settings.SESAME_TOKEN_NAME: get_token(user)}
    else:
        until = int(valid_until.timestamp())
        params = {settings.SESAME_TOKEN_NAME: get_token(user, scope=_grant_scope(until)), GRANT_PARAMETER: str(until)}
    target = safe_next_url(next_url)
    if target:
        params["next"] = target
    return f"{settings.SITE_URL}{reverse('accounts:login_link')}?{urlencode(params)}"


def login_link_user(token: str | None, *, grant: str | None = None) -> User | None:
    """The active user a still-valid token belongs to, without using the token up; None otherwise. `grant` is
    the link's `grant` parameter: a grant token checks only against the end it was signed with."""
    if not token:
        return None
    if grant:
        try:
            until = int(grant)
        except ValueError:
            return None
        if timezone.now().timestamp() >= until:
            return None
        user = get_user(
            token,
            scope=_grant_scope(until),
            max_age=int(settings.LOGIN_LINK_GRANT_MAX_AGE),
            update_last_login=False,
        )
    else:
        user = get_user(token, update_last_login=False)
    return user if isinstance(user, User) else None


def login_link_validity_text() -> str:
    """How long a link stays valid, in words ("24 hours", "15 minutes")."""
    seconds = int(settings.SESAME_MAX_AGE)
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
