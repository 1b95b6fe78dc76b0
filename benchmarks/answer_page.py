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
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samrad.settings_test")
os.environ.setdefault("SAMRAD_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from samrad.accounts.models import Membership, User  # noqa: E402
from samrad.consultations.deadlines import end_of_day, local_date  # noqa: E402
from samrad.consultations.models import (  # noqa: E402
    Answer,
    Consultation,
    ConsultationSender,
    Question,
    Referral,
    Response,
    ResponseSignatory,
    Stance,
)
from samrad.organisations.models import Organisation  # noqa: E402

WARM_UP = 2


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


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


def measure(client: Client, url: str, runs: int, **headers: str) -> dict[str, float]:
    for _ in range(WARM_UP):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    query_count = len(queries.captured_queries)
    query_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    size = len(response.content)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "queries": query_count,
        "db_ms": query_ms,
        "kb": size / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="26,2900,10000", help="referral-list sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="measured requests per size and page")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"Database: {connection.vendor} ({test_name}), {args.runs} requests per size after {WARM_UP} warm-ups.\n")
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
                    {"HX-Request": "true"},
                ),
            ]
            for name, url, headers in pages:
                result = measure(client, url, args.runs, **headers)
                print(
                    f"{size:>7} {name:<16} {result['median_ms']:>10.1f} {result['p95_ms']:>8.1f} "
                    f"{result['queries']:>8} {result['db_ms']:>9.1f} {result['kb']:>8.0f}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
