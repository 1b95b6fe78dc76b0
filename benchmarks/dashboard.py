"""Benchmark: the coordinator's consultation dashboard with 26, 290 and 2 900 referral bodies.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/dashboard.py

Django's test-database machinery creates a throwaway database next to the one DATABASE_URL names (here
test_samrad_bench), migrates it, fills it, and drops it at the end; nothing else is touched. For each size, a
consultation is opened with that many bodies on its referral list in a realistic mix of states (invited,
opened, drafting, submitted, declined, overdue, with extensions, requests for more time and reminders), and the
dashboard page (/samordning/<id>/oversikt/) is rendered through Django's test Client as the logged-in
coordinator: the full stack of middleware, view, selector, template. Printed per size: the time per page
(median and 95th percentile over --runs renders, after two warm-up renders), the queries per page and the time
they took (in one render), the rows on the page and the size of the HTML.

Options: --sizes 26,290,2900  --runs 20. Without DATABASE_URL the embedded SQLite is measured instead.
"""

import argparse
import datetime as dt

import harness
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import (
    Consultation,
    ConsultationSender,
    ExtensionRequest,
    Question,
    Referral,
    ReminderSent,
)
from samrad.organisations.models import County, Organisation


def make_register(count: int) -> tuple[Organisation, list[Organisation]]:
    """A sending region and `count` bodies: municipalities (with a municipality code) first, then agencies."""
    county, _created = County.objects.get_or_create(code="01", defaults={"name": "Stockholms län"})
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name="Region Stockholm", county=county)
    bodies = [
        Organisation(
            kind=Organisation.Kind.MUNICIPALITY if n < 290 else Organisation.Kind.AGENCY,
            name=f"Kommun {n:04d}" if n < 290 else f"Myndighet {n:04d}",
            municipality_code=f"{1000 + n:04d}" if n < 290 else None,
            county=county if n < 290 else None,
            registry_email=f"registrator{n}@example.se",
        )
        for n in range(count)
    ]
    return region, Organisation.objects.bulk_create(bodies, batch_size=1000)


def make_consultation(region: Organisation, bodies: list[Organisation], coordinator: User) -> Consultation:
    """An open consultation with these bodies on its list, the day after its deadline: most bodies have answered
    or declined, some have been granted more time, the rest are overdue."""
    now = timezone.now()
    today = local_date(now)
    consultation = Consultation.objects.create(
        title=f"Remiss med {len(bodies)} remissinstanser",
        reference_number=f"BENCH {len(bodies)}",
        status=Consultation.Status.OPEN,
        opens_at=now - dt.timedelta(days=60),
        opened_at=now - dt.timedelta(days=60),
        deadline=end_of_day(today - dt.timedelta(days=1)),
        created_by=coordinator,
    )
    ConsultationSender.objects.create(consultation=consultation, organisation=region)
    Question.objects.bulk_create(
        Question(consultation=consultation, order=n, text=f"Fråga {n}: vad anser ni om förslaget?") for n in range(1, 6)
    )
    referrals = []
    for n, body in enumerate(bodies):
        state = n % 10
        referral = Referral(
            consultation=consultation,
            organisation=body,
            invited_at=now - dt.timedelta(days=60),
            status=Referral.Status.INVITED,
        )
        if state in (0, 1, 2):
            referral.status, referral.answered_at = Referral.Status.SUBMITTED, now - dt.timedelta(days=state + 1)
        elif state == 3:
            referral.status, referral.decline_reason = Referral.Status.DECLINED, "Avstår."
        elif state == 4:
            referral.status = Referral.Status.DRAFTING
        elif state == 5:
            referral.status = Referral.Status.OPENED
        if state >= 4 and n % 11 == 0:  # granted more time
            referral.deadline_override = end_of_day(today + dt.timedelta(days=60))
        if referral.status != Referral.Status.INVITED:
            referral.opened_at = now - dt.timedelta(days=50)
            referral.last_activity_at = now - dt.timedelta(days=n % 30)
        referrals.append(referral)
    referrals = Referral.objects.bulk_create(referrals, batch_size=1000)
    requests, reminders = [], []
    for n, referral in enumerate(referrals):
        if n % 13 == 0 and referral.status not in (Referral.Status.SUBMITTED, Referral.Status.DECLINED):
            requests.append(
                ExtensionRequest(
                    referral=referral,
                    reason="Nämnden sammanträder efter svarsdatum.",
                    requested_deadline=end_of_day(today + dt.timedelta(days=45)),
                    requested_at=now - dt.timedelta(days=3),
                )
            )
        if n % 11 == 0 and referral.deadline_override is not None:
            requests.append(
                ExtensionRequest(
                    referral=referral,
                    reason="Behöver mer tid.",
                    status=ExtensionRequest.Status.GRANTED,
                    requested_at=now - dt.timedelta(days=20),
                    decided_by=coordinator,
                    decided_at=now - dt.timedelta(days=19),
                    granted_deadline=referral.deadline_override,
                )
            )
        if n % 2 == 0:
            reminders.append(ReminderSent(referral=referral, key="auto-14d", sent_at=now - dt.timedelta(days=16)))
        if n % 4 == 0:
            reminders.append(ReminderSent(referral=referral, key="manual-1", sent_at=now - dt.timedelta(days=5)))
    ExtensionRequest.objects.bulk_create(requests, batch_size=1000)
    ReminderSent.objects.bulk_create(reminders, batch_size=1000)
    return consultation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="26,290,2900", help="referral-list sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="measured renders per size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with harness.throwaway_database() as database:
        print(f"Database: {database}, {args.runs} renders per size after {harness.WARM_UP} warm-ups.\n")
        region, bodies = make_register(max(sizes))
        coordinator = User.objects.create_user(username="bench", email="handlaggare@example.se", password=None)
        Membership.objects.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
        client = Client()
        client.force_login(coordinator)
        print(
            f"{'bodies':>7} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'query ms':>9} {'rows shown':>11} "
            f"{'HTML KB':>8}"
        )
        for size in sizes:
            consultation = make_consultation(region, bodies[:size], coordinator)
            result = harness.measure_get(client, reverse("coordination:dashboard", args=[consultation.pk]), args.runs)
            rows = result.content.count(b"<tr") - 1
            print(
                f"{size:>7} {result.median_ms:>10.1f} {result.p95_ms:>8.1f} {result.queries:>8} "
                f"{result.db_ms:>9.1f} {rows:>11} {result.kb:>8.0f}"
            )


if __name__ == "__main__":
    main()
