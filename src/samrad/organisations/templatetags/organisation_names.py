"""`{{ organisation|name_on:consultation }}`: an organisation's name as it was when a consultation was sent out.

`when` may be a consultation (its opening time, else when it was created), any object with `opened_at` /
`created_at`, a date or a datetime. Costs no query for an organisation never renamed, nor for one renamed before
the day; prefetch `former_names` where a page lists many renamed bodies.
"""

import datetime as dt
from typing import Any

from django import template

from samrad.organisations.models import Organisation

register = template.Library()


def day_of(when: Any) -> dt.date | dt.datetime | None:
    if when is None or isinstance(when, dt.date):
        return when
    return getattr(when, "opened_at", None) or getattr(when, "created_at", None)


@register.filter
def name_on(organisation: Organisation | None, when: Any) -> str:
    if organisation is None:
        return ""
    return organisation.name_on(day_of(when))
