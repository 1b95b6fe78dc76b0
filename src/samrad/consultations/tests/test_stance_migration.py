"""Migration 0006 gives every existing submission its respondent's stances as current SubmissionStances, so that
answers submitted before it count in the per-question view and the exports."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("consultations", "0005_sender_case_numbers_and_letter")]
AFTER = [("consultations", "0006_submission_stances")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_submissions_get_their_respondents_stances():
    apps = _migrate(BEFORE)
    try:
        organisation = apps.get_model("organisations", "Organisation").objects.create(kind="municipality", name="Nacka")
        consultation = apps.get_model("consultations", "Consultation").objects.create(
            title="Remiss", reference_number="MIG 1", status="open", deadline=timezone.now()
        )
        question_model = apps.get_model("consultations", "Question")
        stance_q = question_model.objects.create(consultation=consultation, order=1, text="Fråga", kind="stance")
        text_q = question_model.objects.create(consultation=consultation, order=2, text="Övrigt", kind="text")
        response = apps.get_model("consultations", "Response").objects.create(
            consultation=consultation, organisation=organisation
        )
        submission_model = apps.get_model("consultations", "Submission")
        answers = [
            {"question_id": stance_q.pk, "stance": "oppose", "text": "Nej."},
            {"question_id": text_q.pk, "stance": "", "text": "Text."},
        ]
        submitted = submission_model.objects.create(
            response=response,
            number=1,
            receipt_number="MIG-1-1-AAAA",
            submitted_at=timezone.now(),
            content={"answers": answers},
            content_sha256="0" * 64,
        )
        registered = submission_model.objects.create(
            response=response,
            number=2,
            receipt_number="MIG-1-2-BBBB",
            submitted_at=timezone.now(),
            content={"answers": [], "channel": "paper"},
            content_sha256="1" * 64,
        )
        _migrate(AFTER)
    finally:
        # Back to the latest state of every app: going back to BEFORE also unapplied what depends on 0006
        # (the compilations of the reports app), which later tests need.
        _migrate_to_latest()

    from samrad.consultations.models import SubmissionStance

    rows = list(SubmissionStance.objects.values_list("submission_id", "question_id", "stance", "source", "is_current"))
    assert rows == [(submitted.pk, stance_q.pk, "oppose", "respondent", True)]
    assert not SubmissionStance.objects.filter(submission_id=registered.pk).exists()
