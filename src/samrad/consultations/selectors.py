"""Reads for the coordinator's pages (and the API and exports that show the same): the dashboard of a
consultation's referral list, and the coordinator's overview of their consultations.

Both run a fixed number of queries whatever the number of rows: every per-row figure is a subquery or an
expression in the one query, never a query per row.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.consultations.access import consultations_managed_by
from samrad.consultations.deadlines import effective_deadline
from samrad.consultations.models import Consultation, ExtensionRequest, Referral, ReminderSent
from samrad.organisations.models import OrganisationName

OVERDUE = "overdue"
# The name of the dashboard's derived status annotation.
DISPLAY_STATUS = "display_status"
ANSWERED = (Referral.Status.SUBMITTED, Referral.Status.DECLINED)

# The statuses the dashboard shows, in its order: the stored ones plus "overdue", derived from the deadline.
DASHBOARD_STATUSES: list[tuple[str, Any]] = [
    (Referral.Status.INVITED, Referral.Status.INVITED.label),
    (Referral.Status.OPENED, Referral.Status.OPENED.label),
    (Referral.Status.DRAFTING, Referral.Status.DRAFTING.label),
    (Referral.Status.SUBMITTED, Referral.Status.SUBMITTED.label),
    (Referral.Status.DECLINED, Referral.Status.DECLINED.label),
    (OVERDUE, _("overdue")),
]
STATUS_LABELS = dict(DASHBOARD_STATUSES)


def effective_deadline_expression(consultation_deadline: Combinable) -> Case:
    """`deadlines.effective_deadline` in SQL: the body's own deadline if it is later, else the consultation's."""
    return Case(
        When(deadline_override__gt=consultation_deadline, then=F("deadline_override")),
        default=consultation_deadline,
        output_field=DateTimeField(),
    )


def display_status_expression(now: dt.datetime) -> Case:
    """The status shown: "overdue" for a body that has neither answered nor declined by its deadline (needs the
    `effective_deadline` annotation)."""
    return Case(
        When(status__in=ANSWERED, then=F("status")),
        When(effective_deadline__lt=now, then=Value(OVERDUE)),
        default=F("status"),
        output_field=CharField(),
    )


def referral_display_status(referral: Referral, *, now: dt.datetime | None = None) -> str:
    """The same for one referral in Python."""
    if referral.status in ANSWERED:
        return str(referral.status)
    if effective_deadline(referral) < (now or timezone.now()):
        return OVERDUE
    return str(referral.status)


@dataclass(frozen=True)
class ReferralDashboard:
    consultation: Consultation
    # Each referral with organisation, and: effective_deadline, display_status, has_own_deadline,
    # pending_request_id, pending_requested_deadline, extension_granted, reminders_sent, last_reminder_at,
    # last_activity.
    rows: QuerySet[Referral]
    # Every dashboard status (zeros included) over the whole list, whatever the filters.
    counts: dict[str, int]
    total: int

    def count_items(self) -> list[tuple[str, Any, int]]:
        return [(status, label, self.counts[status]) for status, label in DASHBOARD_STATUSES]


def _dashboard_queryset(consultation: Consultation, now: dt.datetime) -> QuerySet[Referral]:
    consultation_deadline = Value(consultation.deadline, output_field=DateTimeField())
    pending = ExtensionRequest.objects.filter(referral=OuterRef("pk"), status=ExtensionRequest.Status.PENDING).order_by(
        "-requested_at", "-pk"
    )
    reminders = ReminderSent.objects.filter(referral=OuterRef("pk")).order_by()
    return (
        Referral.objects.filter(consultation=consultation)
        .annotate(effective_deadline=effective_deadline_expression(consultation_deadline))
        .annotate(
            display_status=display_status_expression(now),
            has_own_deadline=Case(
                When(deadline_override__gt=consultation_deadline, then=Value(True)),
                default=Value(False),
            ),
            pending_request_id=Subquery(pending.values("pk")[:1]),
            pending_requested_deadline=Subquery(pending.values("requested_deadline")[:1]),
            extension_granted=Exists(
                ExtensionRequest.objects.filter(referral=OuterRef("pk"), status=ExtensionRequest.Status.GRANTED)
            ),
            reminders_sent=Coalesce(
                Subquery(reminders.values("referral").annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
                output_field=IntegerField(),
            ),
            last_reminder_at=Subquery(reminders.order_by("-sent_at").values("sent_at")[:1]),
            # What the body itself last did (the respondent services keep last_activity_at); None: nothing yet.
            last_activity=Coalesce("last_activity_at", "answered_at", "opened_at", output_field=DateTimeField()),
        )
        .select_related("organisation")
    )


def referral_dashboard(
    consultation: Consultation,
    *,
    status: str | None = None,
    q: str | None = None,
    now: dt.datetime | None = None,
) -> ReferralDashboard:
    """Every body on the list with its status, deadline, extension, last activity and reminders; filtered by
    dashboard status and by a search on name, short name, municipality code or organisation number. Two
    queries: the counts now, the rows when they are read (a page of them, or all)."""
    now = now or timezone.now()
    base = _dashboard_queryset(consultation, now)
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in base.order_by().values(DISPLAY_STATUS).annotate(n=Count("pk")):
        counts[row[DISPLAY_STATUS]] = row["n"]
    rows = base
    if status in STATUS_LABELS:
        rows = rows.filter(Q(**{DISPLAY_STATUS: status}))
    if q and q.strip():
        term = q.strip()
        rows = rows.filter(
            Q(organisation__name__icontains=term)
            | Q(organisation__in=OrganisationName.objects.filter(name__icontains=term).values("organisation_id"))
            | Q(organisation__short_name__icontains=term)
            | Q(organisation__municipality_code=term)
            | Q(organisation__organisation_number__icontains=term)
        )
    return ReferralDashboard(
        consultation=consultation,
        rows=rows.order_by("organisation__name", "pk"),
        counts=counts,
        total=sum(counts.values()),
    )


STATUS_ORDER = Case(
    When(status=Consultation.Status.OPEN, then=Value(0)),
    When(status=Consultation.Status.DRAFT, then=Value(1)),
    When(status=Consultation.Status.CLOSED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    return Coalesce(
        Subquery(queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def consultations_overview_for(user: Any, *, now: dt.datetime | None = None) -> QuerySet[Consultation]:
    """The consultations `user` runs, open ones first, each with its list's figures: referral_count,
    submitted_count, declined_count, overdue_count and pending_extensions (a fixed number of queries)."""
    now = now or timezone.now()
    referrals = Referral.objects.filter(consultation=OuterRef("pk"))
    overdue = referrals.exclude(status__in=ANSWERED).alias(
        effective_deadline=effective_deadline_expression(F("consultation__deadline"))
    )
    return (
        consultations_managed_by(user)
        .annotate(
            referral_count=_count(referrals, "consultation"),
            submitted_count=_count(referrals.filter(status=Referral.Status.SUBMITTED), "consultation"),
            declined_count=_count(referrals.filter(status=Referral.Status.DECLINED), "consultation"),
            overdue_count=_count(overdue.filter(effective_deadline__lt=now), "consultation"),
            pending_extensions=_count(
                ExtensionRequest.objects.filter(
                    referral__consultation=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
                ),
                "referral__consultation",
            ),
            status_order=STATUS_ORDER,
        )
        .prefetch_related("sender_links__organisation")
        .order_by("status_order", "deadline", "pk")
    )
