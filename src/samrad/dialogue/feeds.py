"""Addresses of a series' calendar feed (METHOD:PUBLISH).

A public series' feed is open to everyone. A series for invited organisations only is open to its members when
logged in, and to calendar programs (which cannot log in) through a personal secret address: the token is a
signature of the series and the person, so it needs no storage, and access is checked again on every fetch,
so a person who leaves their organisation loses the feed with it.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from samrad.accounts.models import User
from samrad.dialogue import access
from samrad.dialogue.models import DialogueSeries

_SALT = "samrad.dialogue.feed"


def _signature(series_id: int, user_id: int) -> str:
    return signing.Signer(salt=_SALT).signature(f"{series_id}:{user_id}")


def feed_token(series: DialogueSeries, user: Any) -> str:
    return f"{user.pk}-{_signature(series.pk, user.pk)}"


def feed_token_user(series: DialogueSeries, token: str) -> User | None:
    """The active person whose token this is, if they may still see the series; else None."""
    user_part, _sep, signature = token.partition("-")
    if not (user_part.isascii() and user_part.isdigit()) or not signature:  # "²".isdigit() is True
        return None
    if not constant_time_compare(signature, _signature(series.pk, int(user_part))):
        return None
    user = User.objects.filter(pk=int(user_part), is_active=True).first()
    if user is None or not access.can_view(user, series):
        return None
    return user


def feed_url(series: DialogueSeries, user: Any = None) -> str:
    """The absolute address to subscribe to: the open one for a public series, else the person's secret one
    ("" for someone who may not see the series)."""
    if series.is_public:
        path = reverse("dialogue:feed", args=[series.pk])
    elif getattr(user, "is_authenticated", False) and access.can_view(user, series):
        path = reverse("dialogue:feed_token", args=[series.pk, feed_token(series, user)])
    else:
        return ""
    return f"{settings.SITE_URL}{path}"
