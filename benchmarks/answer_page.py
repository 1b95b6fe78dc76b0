"""Benchmark: the respondent's answer page with 26, 2 900 and 10 000 bodies on the referral list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/answer_page.py

Like benchmarks/dashboard.py, Django's test-database machinery creates a throwaway database next to the one
DATABASE_URL names, migrates it, fills it and drops it at the end. For each size, an open consultation with five
questions has that many bodies on its list, one of them Nacka kommun with a draft answer (every question
answered, two co-signers asked); the answer page (/remisser/<id>/svar/<organisation>/) is rendered through
Django's test Client as Nacka's logged-in respondent: middleware, view, selectors, template. Then the co-signer
search (/remisser/<id>/svar/<organisation>/medundertecknare/sok/?cosigner-q=...) is measured the way the search
field asks it (htmx), for a name that matches many bodies. Printed per size and page: the time per request
(median and 95th percentile over --runs, after two warm-ups), the queries and their time (in one request), and
the size of the HTML.

Options: --sizes 26,2900,10000  --runs 20. Without DATABASE_URL the embedded SQLite is measured instead.
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
    Answer,
    Consultation,
    ConsultationSender,
    Question,
    Referral,
    Response,
    ResponseSignatory,
    Stance,
)
from samrad.organisations.models import Organisation


def make_register(count: int) -> tuple[Organisation, Organisation, list[Organisation]]:
    """The sending region, Nacka kommun, and `count` - 1 other bodies (municipalities, then agencies)."""
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name="Region Stockholm")
    nacka = Organisation.objects.create(
        kind=Organisation.Kind.MUNICIPALITY, name="Nacka kommun", municipality_code="0182"
    )
    others = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.MUNICIPALITY if n < 290 else Organisation.Kind.AGENCY,
                name=f"Kommun {n:05d}" if n < 290 else f"Myndighet {n:05d}",
                registry_email=f"registrator{n}@example.se",
            )
            for n in range(count - 1)
        ],
        batch_size=1000,
    )
    return region, nacka, others


def make_consultation(
    region: Organisation, nacka: Organisation, others: list[Organisation], respondent: User
) -> Consultation:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title=f"Remiss med {len(others) + 1} remissinstanser",
        reference_number=f"BENCH {len(others) + 1}",
        status=Consultation.Status.OPEN,
        opens_at=now,
        opened_at=now,
        deadline=end_of_day(local_date(now) + dt.timedelta(days=60)),
    )
    ConsultationSender.objects.create(consultation=consultation, organisation=region)
    questions = Question.objects.bulk_create(
        Question(consultation=consultation, order=n, text=f"Fråga {n}: vad anser ni om förslaget?") for n in range(1, 6)
    )
    Referral.objects.bulk_create(
        [Referral(consultation=consultation, organisation=body, invited_at=now) for body in [nacka, *others]],
        batch_size=1000,
    )
    response = Response.objects.create(consultation=consultation, organisation=nacka)
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            stance=Stance.SUPPORT,
            text="Vi tillstyrker förslaget. " * 20,
            version=1,
            updated_by=respondent,
            updated_at=now,
        )
        for question in questions
    )
    ResponseSignatory.objects.bulk_create(
        ResponseSignatory(response=response, organisation=body, invited_by=respondent) for body in others[:2]
    )
    return consultation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="26,2900,10000", help="referral-list sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="measured requests per size and page")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with harness.throwaway_database() as database:
        print(f"Database: {database}, {args.runs} requests per size after {harness.WARM_UP} warm-ups.\n")
        region, nacka, others = make_register(max(sizes))
        respondent = User.objects.create_user(username="svar", email="svarande@nacka.example.se", password=None)
        Membership.objects.create(user=respondent, organisation=nacka, role=Membership.Role.RESPONDENT)
        client = Client()
        client.force_login(respondent)
        print(
            f"{'bodies':>7} {'page':<16} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'query ms':>9} {'HTML KB':>8}"
        )
        for size in sizes:
            consultation = make_consultation(region, nacka, others[: size - 1], respondent)
            pages = [
                ("answer page", reverse("consultations:respond", args=[consultation.pk, nacka.pk]), {}),
                (
                    "co-signer search",
                    reverse("consultations:cosigner_search", args=[consultation.pk, nacka.pk]) + "?cosigner-q=kommun",
                    {"HX_Request": "true"},
                ),
            ]
            for name, url, headers in pages:
                result = harness.measure_get(client, url, args.runs, **headers)
                print(
                    f"{size:>7} {name:<16} {result.median_ms:>10.1f} {result.p95_ms:>8.1f} "
                    f"{result.queries:>8} {result.db_ms:>9.1f} {result.kb:>8.0f}"
                )


if __name__ == "__main__":
    main()
