"""Login links (django-sesame tokens): making them, checking them, and where they may lead.

A token is signed with SECRET_KEY, carries the user's id and its creation time, and is bound to the user's last
login, so it stops working after SESAME_MAX_AGE seconds or as soon as the user has logged in (single use).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
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


def login_link_url(user: User, *, next_url: str = "") -> str:
    """An absolute link that logs `user` in once (after a confirming click) and then opens `next_url`."""
    params = {settings.SESAME_TOKEN_NAME: get_token(user)}
    target = safe_next_url(next_url)
    if target:
        params["next"] = target
    return f"{settings.SITE_URL}{reverse('accounts:login_link')}?{urlencode(params)}"


def login_link_user(token: str | None) -> User | None:
    """The active user a still-valid token belongs to, without using the token up; None otherwise."""
    if not token:
        return None
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
