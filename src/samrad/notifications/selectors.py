"""Reads of the outbox for the staff pages."""

import re

from django.db.models import Count, QuerySet

from samrad.notifications.models import OutboundEmail


def outbox_list(*, state: str = "") -> QuerySet[OutboundEmail]:
    """Messages newest first, without their bodies (the list does not show them)."""
    messages = OutboundEmail.objects.order_by("-created_at", "-id").defer("body_text", "body_html", "attachments")
    if state:
        messages = messages.filter(state=state)
    return messages


def outbox_state_counts() -> dict[str, int]:
    """How many messages are in each state (every state present, zero if none)."""
    counts = dict.fromkeys(OutboundEmail.State.values, 0)
    for row in OutboundEmail.objects.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def email_get(*, message_id: int) -> OutboundEmail:
    return OutboundEmail.objects.get(pk=message_id)


# The token of a personal login link (django-sesame's query parameter) and anything like it.
_SECRET_PARAMETER = re.compile(r"((?:sesame|token)=)[^\s\"'&<>]+")


def redact_secrets(text: str) -> str:
    """The message as staff may read it: login-link tokens replaced, so that reading the outbox never lets
    anyone log in as the recipient."""
    return _SECRET_PARAMETER.sub(r"\1[dolt]", text)
