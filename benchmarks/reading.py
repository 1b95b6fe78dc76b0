"""Benchmark: reading the answers of a consultation with 1 000 and 10 000 answers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samrad_bench .venv/bin/python benchmarks/reading.py

Django's test-database machinery creates a throwaway database next to the one DATABASE_URL names (here
test_samrad_bench), migrates it, fills it, and drops it at the end; nothing else is touched. For each size, one
open consultation with five stance questions gets that many answers (bulk-inserted as the services would store
them: a response, its submissions with their frozen content, the respondent's stances): one in ten corrected
(two versions), one in twenty registered from paper with no stance (so "no stance" counts), one in fifty
unsolicited from a body not on the list; the bodies are municipalities, regions and agencies in four subregions.
The planner's statistics are then updated (ANALYZE, as autovacuum would). Then, as the logged-in coordinator,
through Django's test Client (middleware, session, view, selectors, template), it renders:

- the reading view of the answer in the middle of the order (previous/next, position, versions, stances),
- the per-question view of question 3, unfiltered (first page, 50 answers) and filtered (stance "opposes",
  municipalities, one subregion), and its last page,
- the "Svar" tab (which now also has the not-answered count, the breakdowns and a link to each answer),
- the API's first page of 100 answers.

Printed per page: the time per page (median and 95th percentile over --runs renders, after two warm-up
renders), the queries per page and the time they took (in one render), and the size of the HTML.

Options: --sizes 1000,10000  --runs 20. Without DATABASE_URL the embedded SQLite is measured instead.
"""

import argparse
import datetime as dt
import hashlib
from collections.abc import Callable

import harness
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import (
    Consultation,
    ConsultationSender,
    Question,
    Referral,
    Response,
    Stance,
    Submission,
    SubmissionStance,
)
from samrad.consultations.selectors_reading import current_submissions
from samrad.organisations.models import County, Group, Organisation

STANCES = [Stance.SUPPORT, Stance.SUPPORT_WITH_CHANGES, Stance.OPPOSE, Stance.NO_COMMENT, Stance.ABSTAIN]
TEXT = (
    "Kommunen ser positivt på förslagets inriktning men vill att finansieringen förtydligas, särskilt för "
    "de mindre kommunerna i länet. "
) * 3


def make_register(count: int) -> tuple[Organisation, list[Organisation]]:
    county, _created = County.objects.get_or_create(code="01", defaults={"name": "Stockholms län"})
    region = Organisation.objects.create(kind=Organisation.Kind.REGION, name="Region Stockholm", county=county)
    kinds = [Organisation.Kind.MUNICIPALITY] * 6 + [Organisation.Kind.AGENCY] * 3 + [Organisation.Kind.REGION]
    bodies = Organisation.objects.bulk_create(
        [
            Organisation(kind=kinds[n % len(kinds)], name=f"Remissinstans {n:05d}", registry_email=f"reg{n}@example.se")
            for n in range(count)
        ],
        batch_size=2000,
    )
    groups = [Group.objects.create(name=name) for name in ("Södertörn", "Norrort", "Västerort", "Ostsektorn")]
    through = Organisation.groups.through
    through.objects.bulk_create(
        [through(organisation_id=body.pk, group_id=groups[n % 4].pk) for n, body in enumerate(bodies)],
        batch_size=5000,
    )
    return region, bodies


def default_answer(n: int, i: int, number: int, paper: bool) -> tuple[str, str]:
    """(stance, text) of answer n's version `number` to question i: an answer registered from paper has neither."""
    if paper:
        return "", ""
    return STANCES[(n + i + number) % 5].value, f"{TEXT} (svar {n}, version {number})"


def make_consultation(
    region: Organisation,
    bodies: list[Organisation],
    coordinator: User,
    answer_for: Callable[[int, int, int, bool], tuple[str, str]] = default_answer,
) -> Consultation:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title=f"Remiss med {len(bodies)} svar",
        reference_number=f"BENCH-READ {len(bodies)}",
        status=Consultation.Status.OPEN,
        opens_at=now - dt.timedelta(days=60),
        opened_at=now - dt.timedelta(days=60),
        deadline=end_of_day(local_date(now) + dt.timedelta(days=10)),
        created_by=coordinator,
    )
    ConsultationSender.objects.create(consultation=consultation, organisation=region)
    questions = Question.objects.bulk_create(
        Question(consultation=consultation, order=n, text=f"Fråga {n}: vad anser ni om förslaget?") for n in range(1, 6)
    )
    listed = [body for n, body in enumerate(bodies) if n % 50 != 7]  # one in fifty answers unsolicited
    Referral.objects.bulk_create(
        [
            Referral(
                consultation=consultation,
                organisation=body,
                status=Referral.Status.SUBMITTED,
                invited_at=now,
                answered_at=now,
            )
            for body in listed
        ]
        + [
            # And some that have not answered.
            Referral(consultation=consultation, organisation=body, invited_at=now)
            for body in Organisation.objects.bulk_create(
                [
                    Organisation(kind=Organisation.Kind.MUNICIPALITY, name=f"Tyst instans {len(bodies)}-{n}")
                    for n in range(len(bodies) // 10)
                ]
            )
        ],
        batch_size=2000,
    )
    responses = Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                organisation=body,
                channel=Response.Channel.PAPER if n % 20 == 3 else Response.Channel.PLATFORM,
                is_unsolicited=n % 50 == 7,
                their_reference=f"KS {n}/2026",
                decided_by="Kommunstyrelsen",
            )
            for n, body in enumerate(bodies)
        ],
        batch_size=2000,
    )
    submissions, stance_rows = [], []
    for n, (body, response) in enumerate(zip(bodies, responses, strict=True)):
        paper = response.channel == Response.Channel.PAPER
        for number in (1, 2) if n % 10 == 5 else (1,):
            answers = []
            for i, q in enumerate(questions):
                stance, text = answer_for(n, i, number, paper)
                answers.append(
                    {"question_id": q.pk, "order": q.order, "question": q.text, "kind": q.kind}
                    | {"stance": stance, "text": text}
                )
            content = {
                "organisation": {"id": body.pk, "name": body.name},
                "channel": response.channel,
                "their_reference": response.their_reference,
                "decided_by": response.decided_by,
                "answers": answers if any(a["stance"] or a["text"] for a in answers) else [],
                "attachments": [],
                "signatories": [],
                "number": number,
            }
            submissions.append(
                Submission(
                    response=response,
                    number=number,
                    receipt_number=f"BR-{len(bodies)}-{body.pk}-{number}",
                    submitted_at=now - dt.timedelta(days=5 - number),
                    received_at=now - dt.timedelta(days=5 - number),
                    content=content,
                    content_sha256=hashlib.sha256(str(content).encode()).hexdigest(),
                )
            )
    submissions = Submission.objects.bulk_create(submissions, batch_size=1000)
    for submission in submissions:
        for answer in submission.content["answers"]:
            if answer["stance"]:
                stance_rows.append(
                    SubmissionStance(
                        submission=submission,
                        question_id=answer["question_id"],
                        stance=answer["stance"],
                        source=SubmissionStance.Source.RESPONDENT,
                        set_at=submission.submitted_at,
                    )
                )
    SubmissionStance.objects.bulk_create(stance_rows, batch_size=5000)
    return consultation


def analyse() -> None:
    """Update the planner's statistics after the bulk load, as autovacuum does in a running database (without
    them PostgreSQL guesses a handful of rows in tables that have thousands, and may choose a plan that takes
    seconds instead of milliseconds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of answers, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="measured renders per page")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with harness.throwaway_database() as database:
        print(f"Database: {database}, {args.runs} renders per page after {harness.WARM_UP} warm-ups.\n")
        region, bodies = make_register(max(sizes))
        coordinator = User.objects.create_user(username="bench", email="handlaggare@example.se", password=None)
        Membership.objects.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
        client = Client()
        client.force_login(coordinator)
        print(f"{'answers':>7}  {'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'query ms':>9} {'KB':>6}")
        for size in sizes:
            consultation = make_consultation(region, bodies[:size], coordinator)
            analyse()
            question = consultation.questions.order_by("order")[2]
            middle = current_submissions(consultation)[size // 2]
            group = Group.objects.get(name="Södertörn")
            per_question = reverse("reading:question", args=[consultation.pk, question.pk])
            last_page = (size + 49) // 50
            pages = [
                (
                    "reading view (middle answer)",
                    reverse("reading:answer", args=[consultation.pk, middle.receipt_number]),
                ),
                ("per question, first page", per_question),
                ("per question, filtered", f"{per_question}?stance=oppose&kind=municipality&group={group.pk}"),
                ("per question, last page", f"{per_question}?page={last_page}"),
                ('"Svar" tab', reverse("coordination:dashboard", args=[consultation.pk])),
                ("API, 100 answers", f"/api/v1/consultations/{consultation.pk}/answers?limit=100"),
            ]
            for label, url in pages:
                result = harness.measure_get(client, url, args.runs)
                print(
                    f"{size:>7}  {label:<34} {result.median_ms:>10.1f} {result.p95_ms:>8.1f} {result.queries:>8} "
                    f"{result.db_ms:>9.1f} {result.kb:>6.0f}"
                )


if __name__ == "__main__":
    main()
