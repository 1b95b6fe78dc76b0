"""The calendar day of an instant in the platform's time zone, the date that search filters on."""

import datetime as dt

from django.utils import timezone


def local_day(instant: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(instant) if instant is not None else None
