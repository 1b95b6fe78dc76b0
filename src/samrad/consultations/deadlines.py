"""Deadlines are instants in Europe/Stockholm: "by 31 October" means until 23:59:59.999999 local time that day.

Clocks change in late March and late October; building the instant from the local date and zone (never by adding
hours to UTC) keeps the end of the day right in those weeks.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from samrad.consultations.models import Consultation, Referral

# The Government's rule of thumb: at least three months of remiss time.
RECOMMENDED_MINIMUM_MONTHS = 3


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of `day` in Europe/Stockholm, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=local_zone())


def local_date(instant: dt.datetime) -> dt.date:
    return timezone.localtime(instant, local_zone()).date()


def effective_deadline(referral: Referral, consultation: Consultation | None = None) -> dt.datetime:
    """The body's own deadline (set on a late addition or by an extension) or the consultation's, whichever is
    later: an own deadline only ever gives a body more time, also after the consultation's deadline has been
    moved past it."""
    deadline = (consultation or referral.consultation).deadline
    if referral.deadline_override is not None and referral.deadline_override > deadline:
        return referral.deadline_override
    return deadline


def is_open_at(deadline: dt.datetime, now: dt.datetime | None = None) -> bool:
    """True while answers are still accepted: up to and including the deadline instant."""
    return (now or timezone.now()) <= deadline


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError("unreachable")


def remiss_time_is_short(opens: dt.datetime, deadline: dt.datetime) -> bool:
    """True when the remiss time is under three months: the coordinator is warned, not stopped."""
    return local_date(deadline) < _add_months(local_date(opens), RECOMMENDED_MINIMUM_MONTHS)
