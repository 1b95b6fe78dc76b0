"""Benchmark: opening a consultation with 26, 2 900 and 10 000 bodies on its referral list, and sending the
invitations in the background.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/opening.py

Like benchmarks/dashboard.py, Django's test-database machinery creates a throwaway database next to the one
DATABASE_URL names, migrates it, fills it and drops it at the end. For each size, --runs draft consultations
with that many bodies on the list (each body with a registry address and one person) are opened through the
coordinator's page (POST /samordning/<id>/oppna/, Django's test Client: middleware, view, service, the queued
task), and the time and queries of each request are recorded. Then, with --fan-out, the invitations of one
consultation of the largest size are sent the way the worker sends them (`send_invitation_batch`'s code, batch
after batch, in this process) and the time, the e-mails queued and the growth of the process's peak memory are
printed.

Options: --sizes 26,2900,10000  --runs 3  --fan-out. Without DATABASE_URL the embedded SQLite is measured.
"""

import argparse
import datetime as dt
import resource
import statistics
import time

import harness
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.invitations import INVITATION_BATCH_SIZE, invitations_send_batch
from samrad.consultations.models import Consultation, ConsultationSender, Question, Referral
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Organisation


def make_register(count: int) -> tuple[Organisation, list[Organisation]]:
    """A sending region and `count` bodies, each with a registry address and one respondent."""
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name="Region Stockholm")
    bodies = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.AGENCY, name=f"Myndighet {n:05d}", registry_email=f"registrator{n}@example.se"
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    people = User.objects.bulk_create(
        [User(username=f"svar{n}", email=f"svar{n}@example.se") for n in range(count)], batch_size=1000
    )
    Membership.objects.bulk_create(
        [
            Membership(user=person, organisation=body, role=Membership.Role.RESPONDENT)
            for person, body in zip(people, bodies, strict=True)
        ],
        batch_size=1000,
    )
    return region, bodies


def make_draft(region: Organisation, bodies: list[Organisation], coordinator: User, number: int) -> Consultation:
    consultation = Consultation.objects.create(
        title=f"Remiss till {len(bodies)} remissinstanser",
        reference_number=f"BENCH {len(bodies)}-{number}",
        deadline=end_of_day(local_date(timezone.now()) + dt.timedelta(days=120)),
        created_by=coordinator,
    )
    ConsultationSender.objects.create(consultation=consultation, organisation=region)
    Question.objects.create(consultation=consultation, order=1, text="Vad anser ni om förslaget?")
    Referral.objects.bulk_create(
        [Referral(consultation=consultation, organisation=body) for body in bodies], batch_size=1000
    )
    return consultation


def open_once(client: Client, consultation: Consultation) -> tuple[float, int]:
    url = reverse("coordination:open", args=[consultation.pk])
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 302, f"{url} answered {response.status_code}"
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    return elapsed, len(queries.captured_queries)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fan_out(consultation: Consultation) -> None:
    before_mb = peak_rss_mb()
    started = time.perf_counter()
    batches = longest = 0.0
    while True:
        batch_started = time.perf_counter()
        result = invitations_send_batch(consultation_id=consultation.pk, limit=INVITATION_BATCH_SIZE)
        longest = max(longest, time.perf_counter() - batch_started)
        batches += 1
        if not result.processed or not result.remaining:
            break
    elapsed = time.perf_counter() - started
    emails = OutboundEmail.objects.filter(category="consultations.invitation").count()
    bodies = Referral.objects.filter(consultation=consultation, invited_at__isnull=False).count()
    print(
        f"\nFan-out: {bodies} bodies invited, {emails} e-mails queued in {elapsed:.1f} s "
        f"({bodies / elapsed:.0f} bodies/s) in {batches:.0f} batches of {INVITATION_BATCH_SIZE} "
        f"(longest batch {longest:.2f} s); peak memory of the process grew by {peak_rss_mb() - before_mb:.0f} MB."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="26,2900,10000", help="referral-list sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="consultations opened per size")
    parser.add_argument("--fan-out", action="store_true", help="also send the invitations of the largest size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with harness.throwaway_database() as database:
        print(f"Database: {database}, {args.runs} openings per size.\n")
        region, bodies = make_register(max(sizes))
        coordinator = User.objects.create_user(username="bench", email="handlaggare@example.se", password=None)
        Membership.objects.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
        client = Client()
        client.force_login(coordinator)
        open_once(client, make_draft(region, bodies[:3], coordinator, 0))  # warm-up
        print(f"{'bodies':>7} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        last = None
        for size in sizes:
            times, counts = [], set()
            for run in range(1, args.runs + 1):
                last = make_draft(region, bodies[:size], coordinator, run)
                elapsed, queries = open_once(client, last)
                times.append(elapsed)
                counts.add(queries)
            print(
                f"{size:>7} {statistics.median(times) * 1000:>10.1f} {max(times) * 1000:>8.1f} "
                f"{'/'.join(str(c) for c in sorted(counts)):>8}"
            )
        if args.fan_out and last is not None:
            fan_out(last)


if __name__ == "__main__":
    main()
