"""The coordinator's dashboard: every body's status (overdue derived from its own deadline), extension,
reminders and activity, in a constant number of queries whatever the length of the list."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samrad.consultations.models import ExtensionRequest, Referral, ReminderSent
from samrad.consultations.selectors import (
    OVERDUE,
    consultations_overview_for,
    referral_dashboard,
    referral_display_status,
)
from samrad.consultations.tests.factories import (
    ConsultationFactory,
    ExtensionRequestFactory,
    ReferralFactory,
    ReminderSentFactory,
    deadline_in,
)
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _rows(dashboard) -> dict[str, Referral]:
    return {row.organisation.name: row for row in dashboard.rows}


def test_statuses_including_overdue(make_consultation):
    consultation = make_consultation(open=True, deadline=deadline_in(10))
    now = timezone.now()
    after_deadline = consultation.deadline + dt.timedelta(seconds=1)

    def body(name: str, **fields) -> Referral:
        return ReferralFactory.create(
            consultation=consultation, organisation=OrganisationFactory.create(name=name), **fields
        )

    body("A invited", invited=True)
    body("B opened", status=Referral.Status.OPENED, opened_at=now)
    body("C drafting", status=Referral.Status.DRAFTING, last_activity_at=now)
    body("D submitted", status=Referral.Status.SUBMITTED, answered_at=now)
    body("E declined", status=Referral.Status.DECLINED, answered_at=now)
    extended = body("F extended", status=Referral.Status.DRAFTING, deadline_override=deadline_in(20))
    ExtensionRequestFactory.create(
        referral=extended, status=ExtensionRequest.Status.GRANTED, granted_deadline=extended.deadline_override
    )
    asking = body("G asking", invited=True)
    pending = ExtensionRequestFactory.create(referral=asking)
    ReminderSentFactory.create_batch(2, referral=asking)

    before = referral_dashboard(consultation, now=now)
    assert {name: row.display_status for name, row in _rows(before).items()} == {
        "A invited": "invited",
        "B opened": "opened",
        "C drafting": "drafting",
        "D submitted": "submitted",
        "E declined": "declined",
        "F extended": "drafting",
        "G asking": "invited",
    }

    after = referral_dashboard(consultation, now=after_deadline)
    rows = _rows(after)
    assert {name: row.display_status for name, row in rows.items()} == {
        "A invited": OVERDUE,
        "B opened": OVERDUE,
        "C drafting": OVERDUE,
        "D submitted": "submitted",  # answered in time stays answered
        "E declined": "declined",
        "F extended": "drafting",  # its own deadline has not passed
        "G asking": OVERDUE,
    }
    assert after.counts == {
        "invited": 0,
        "opened": 0,
        "drafting": 1,
        "submitted": 1,
        "declined": 1,
        OVERDUE: 4,
    }
    assert after.total == 7
    # The same answer in Python, row by row.
    for row in after.rows:
        assert referral_display_status(row, now=after_deadline) == row.display_status

    assert rows["F extended"].effective_deadline == extended.deadline_override
    assert rows["F extended"].has_own_deadline and rows["F extended"].extension_granted
    assert not rows["A invited"].has_own_deadline and not rows["A invited"].extension_granted
    assert rows["G asking"].pending_request_id == pending.pk
    assert rows["G asking"].pending_requested_deadline == pending.requested_deadline
    assert rows["G asking"].reminders_sent == 2 and rows["A invited"].reminders_sent == 0
    assert rows["G asking"].last_reminder_at is not None
    assert rows["C drafting"].last_activity == rows["C drafting"].last_activity_at
    assert rows["A invited"].last_activity is None  # the body has done nothing yet


def test_filters_by_status_and_search(make_consultation):
    consultation = make_consultation(open=True)
    nacka = OrganisationFactory.create(name="Nacka kommun", municipality_code="0182")
    ReferralFactory.create(consultation=consultation, organisation=nacka, status=Referral.Status.SUBMITTED)
    ReferralFactory.create(consultation=consultation, organisation=OrganisationFactory.create(name="Solna stad"))

    assert [r.organisation.name for r in referral_dashboard(consultation, status="submitted").rows] == ["Nacka kommun"]
    assert [r.organisation.name for r in referral_dashboard(consultation, q="solna").rows] == ["Solna stad"]
    assert [r.organisation.name for r in referral_dashboard(consultation, q="0182").rows] == ["Nacka kommun"]
    filtered = referral_dashboard(consultation, status="declined")
    assert list(filtered.rows) == []
    assert filtered.total == 2  # the counts are over the whole list


def _fill(consultation, count: int) -> None:
    """`count` bodies in every state, with reminders and extension requests, made with bulk_create."""
    start = Organisation.objects.count()
    organisations = Organisation.objects.bulk_create(
        Organisation(kind=Organisation.Kind.AGENCY, name=f"Myndighet {start + i:05d}") for i in range(count)
    )
    statuses = list(Referral.Status.values)
    now = timezone.now()
    referrals = Referral.objects.bulk_create(
        Referral(
            consultation=consultation,
            organisation=organisation,
            status=statuses[i % len(statuses)],
            invited_at=now,
            deadline_override=consultation.deadline + dt.timedelta(days=7) if i % 4 == 0 else None,
        )
        for i, organisation in enumerate(organisations)
    )
    referrals = list(Referral.objects.filter(consultation=consultation))
    ReminderSent.objects.bulk_create(
        ReminderSent(referral=referral, key=f"manual-{i}", sent_at=now) for i, referral in enumerate(referrals)
    )
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(referral=referral, reason="Tid", requested_at=now) for referral in referrals[::3]
    )


def _queries_to_read(consultation) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard = referral_dashboard(consultation, now=consultation.deadline + dt.timedelta(days=1))
        rows: list[Any] = list(dashboard.rows)
        shown = [  # what the page shows of each row
            (
                *(row.organisation.name, row.display_status, row.effective_deadline, row.pending_request_id),
                *(row.extension_granted, row.reminders_sent, row.last_activity, row.last_reminder_at),
            )
            for row in rows
        ]
    assert len(shown) == len(rows)
    assert len(rows) == dashboard.total
    return len(queries)


def test_the_same_number_of_queries_for_10_and_for_1000_bodies(make_consultation):
    small, large = make_consultation(open=True), make_consultation(open=True)
    _fill(small, 10)
    _fill(large, 1000)

    small_queries = _queries_to_read(small)
    large_queries = _queries_to_read(large)

    assert small_queries == large_queries == 2


def test_the_overview_counts_each_consultation_in_a_fixed_number_of_queries(make_consultation, coordinator):
    first = make_consultation(open=True, deadline=deadline_in(5))
    ReferralFactory.create(consultation=first, status=Referral.Status.SUBMITTED)
    ReferralFactory.create(consultation=first, status=Referral.Status.DECLINED)
    waiting = ReferralFactory.create(consultation=first)
    ExtensionRequestFactory.create(referral=waiting)
    draft = make_consultation()
    ReferralFactory.create(consultation=draft)
    past = make_consultation(open=True, deadline=timezone.now() - dt.timedelta(hours=1))
    ReferralFactory.create(consultation=past)
    ReferralFactory.create(consultation=past, deadline_override=deadline_in(3))
    ConsultationFactory.create()  # someone else's

    with CaptureQueriesContext(connection) as queries:
        overview = {c.pk: c for c in consultations_overview_for(coordinator)}
        for consultation in overview.values():
            [link.organisation.name for link in consultation.sender_links.all()]

    assert len(queries) <= 4
    assert set(overview) == {first.pk, draft.pk, past.pk}
    assert list(overview) == [past.pk, first.pk, draft.pk]  # open ones first, by deadline
    row = overview[first.pk]
    assert (row.referral_count, row.submitted_count, row.declined_count, row.pending_extensions) == (3, 1, 1, 1)
    assert row.overdue_count == 0
    assert overview[past.pk].overdue_count == 1  # the extended body is not overdue
    assert overview[draft.pk].referral_count == 1
