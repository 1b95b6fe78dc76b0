"""What a coordinator should know before closing a consultation: the bodies that have not answered (nor
declined), and the bodies whose extension runs past now (closing ends it early). Shown on the confirm page;
closing itself (services.consultation_close) then tells every body that it has closed (notices.py)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from samrad.consultations.models import Consultation, Referral
from samrad.consultations.selectors import ANSWERED

# The confirm page names at most this many bodies per warning, and says how many more there are.
NAMES_SHOWN = 50


@dataclass(frozen=True)
class ClosingWarnings:
    unanswered: list[Referral]
    unanswered_count: int
    extended: list[Referral]
    extended_count: int

    @property
    def unanswered_more(self) -> int:
        return self.unanswered_count - len(self.unanswered)

    @property
    def extended_more(self) -> int:
        return self.extended_count - len(self.extended)

    def __bool__(self) -> bool:
        return bool(self.unanswered_count or self.extended_count)


def closing_warnings(consultation: Consultation, *, now: dt.datetime | None = None) -> ClosingWarnings:
    """Four queries whatever the length of the list."""
    now = now or timezone.now()
    unanswered = (
        Referral.objects.filter(consultation=consultation)
        .exclude(status__in=ANSWERED)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    extended = unanswered.filter(deadline_override__gt=now).order_by("deadline_override", "organisation__name")
    return ClosingWarnings(
        unanswered=list(unanswered[:NAMES_SHOWN]),
        unanswered_count=unanswered.count(),
        extended=list(extended[:NAMES_SHOWN]),
        extended_count=extended.count(),
    )
