"""The range of dates the platform accepts, for every date a person or a program can give it.

Deadlines, meeting days, dates received and due dates outside 2000-01-01 … 2100-12-31 are typing mistakes (a
year 0001 or 9999); they are refused with a clear message rather than stored, because some of them cannot even
be converted to or from the Swedish time zone (9999-12-31 23:00 UTC is already year 10000 in Stockholm) or
written to a calendar file. Forms use `samrad.ui.forms.DateRangeValidator` (the same range and message);
services call `check_date_in_range`, so that the API and management commands cannot store them either.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samrad.errors import InvalidInput

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _day(value: dt.date | dt.datetime) -> dt.date | None:
    """The calendar day of `value` in Swedish time; None when it lies so far out that it has no such day."""
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        return value.date()
    try:
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    except OverflowError:
        return None


def date_in_range(value: dt.date | dt.datetime, *, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> bool:
    day = _day(value)
    return day is not None and earliest <= day <= latest


def date_range_message(*, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> str:
    return _("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": date_format(earliest, "j F Y"),
        "latest": date_format(latest, "j F Y"),
    }


def check_date_in_range(
    value: dt.date | dt.datetime | None,
    *,
    field: str,
    earliest: dt.date = EARLIEST,
    latest: dt.date = LATEST,
) -> None:
    """Raise InvalidInput (on `field`) unless `value` is None or a day within the range."""
    if value is not None and not date_in_range(value, earliest=earliest, latest=latest):
        raise InvalidInput(date_range_message(earliest=earliest, latest=latest), field=field)
