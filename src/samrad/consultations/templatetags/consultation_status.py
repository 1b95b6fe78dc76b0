"""The colours of consultation and referral statuses, for the shared status tag (includes/status_tag.html)."""

from django import template

register = template.Library()

CONSULTATION_COLORS = {"open": "success", "draft": "warning"}
# "overdue" is a display status (deadline passed, nothing submitted), not a stored one.
REFERRAL_COLORS = {
    "submitted": "success",
    "overdue": "danger",
    "declined": "neutral",
    "drafting": "info",
    "opened": "info",
    "invited": "accent",
}


@register.filter
def consultation_color(status: str) -> str:
    return CONSULTATION_COLORS.get(status, "neutral")


@register.filter
def referral_color(status: str) -> str:
    return REFERRAL_COLORS.get(status, "neutral")
