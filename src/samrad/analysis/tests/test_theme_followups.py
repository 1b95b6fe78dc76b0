"""The themes follow the answers: a new answer after the themes were built queues one deferred re-run through the
task queue (never for a consultation whose themes were never built, never two waiting); a run waits while another
of the same consultation is being built; a corrected stance reaches the quotes at once."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samrad.analysis import theme_services as ts
from samrad.analysis.models import Theme, ThemeQuote, ThemeRun
from samrad.analysis.tasks import themes_build as themes_build_task
from samrad.analysis.tests.theme_world import PAPER_PAGE_2, answer_on_platform, themed_world
from samrad.audit.models import AuditEvent
from samrad.consultations.stances import stance_set
from samrad.consultations.tests.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    municipality,
    other_coordinator,
    region,
    respondent,
)
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.testing.queue import run_queued_tasks


def _build_tasks():
    return DBTaskResult.objects.filter(task_path=themes_build_task.module_path)


@pytest.mark.django_db(transaction=True)
def test_a_new_answer_queues_one_deferred_re_run_that_keeps_a_persons_decisions(region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator, first=8)
    consultation, question = world["consultation"], world["question"]
    first = ts.themes_run_start(actor=coordinator, consultation=consultation)
    run_queued_tasks(queue="default")
    first.refresh_from_db()
    assert first.status == ThemeRun.Status.DONE
    theme = Theme.objects.filter(run=first).order_by("order").first()
    ts.theme_rename(actor=coordinator, theme=theme, label="Vad kommunerna sa om bussarna")
    ts.themes_sign_off(actor=coordinator, run=first)

    answer_on_platform(consultation, question, OrganisationFactory.create(name="Kommun ny"), "support", PAPER_PAGE_2)
    answer_on_platform(
        consultation, question, OrganisationFactory.create(name="Kommun nyast"), "oppose", PAPER_PAGE_2 + " Tåget."
    )

    waiting = ThemeRun.objects.get(consultation=consultation, status=ThemeRun.Status.QUEUED)  # one for two answers
    assert waiting.started_by is None
    event = AuditEvent.objects.get(action="consultation.themes_started", changes__run=waiting.pk)
    assert event.changes["by_new_answer"] is True
    task = _build_tasks().get(args_kwargs__args=[waiting.pk])
    assert task.run_after > timezone.now() + dt.timedelta(seconds=60)  # deferred: a batch of answers makes one run

    run_queued_tasks(queue="default")  # not due yet: nothing happens
    waiting.refresh_from_db()
    assert waiting.status == ThemeRun.Status.QUEUED
    _build_tasks().filter(pk=task.pk).update(run_after=timezone.now())
    run_queued_tasks(queue="default")

    waiting.refresh_from_db()
    assert waiting.status == ThemeRun.Status.DONE and waiting.signed_off_at is None  # to be reviewed again
    kept = Theme.objects.get(run=waiting, label="Vad kommunerna sa om bussarna")
    assert kept.label_set_by_person
    assert ThemeQuote.objects.filter(theme__run=waiting, respondent__in=["Kommun ny", "Kommun nyast"]).count() >= 2


@pytest.mark.django_db(transaction=True)
def test_no_re_run_where_themes_were_never_built(region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator, first=2)
    answer_on_platform(
        world["consultation"], world["question"], OrganisationFactory.create(name="Kommun ny"), "support", PAPER_PAGE_2
    )
    assert not ThemeRun.objects.filter(consultation=world["consultation"]).exists()
    assert not _build_tasks().exists()


@pytest.mark.django_db
def test_a_run_waits_while_another_of_the_consultation_is_built(region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator, first=2)
    consultation = world["consultation"]
    busy = ThemeRun.objects.create(consultation=consultation, status=ThemeRun.Status.RUNNING, started_at=timezone.now())
    waiting = ThemeRun.objects.create(consultation=consultation)
    assert ts.themes_build(run_id=waiting.pk).status == ThemeRun.Status.QUEUED
    # A run left "running" by a lost worker (older than STALE_AFTER) does not hold the others up.
    ThemeRun.objects.filter(pk=busy.pk).update(started_at=timezone.now() - ts.STALE_AFTER - dt.timedelta(minutes=1))
    assert ts.themes_build(run_id=waiting.pk).status == ThemeRun.Status.DONE


@pytest.mark.django_db
def test_a_corrected_stance_reaches_the_quotes(region, coordinator):  # noqa: F811
    world = themed_world(region, coordinator, first=6)
    run = ts.themes_build(run_id=ts.themes_run_start(actor=coordinator, consultation=world["consultation"]).pk)
    paper = world["submissions"]["paper"]
    quotes = ThemeQuote.objects.filter(theme__run=run, submission=paper)
    assert quotes.exists() and set(quotes.values_list("stance", flat=True)) == {"none"}

    stance_set(actor=coordinator, submission=paper, question=world["question"], stance="oppose")

    assert set(quotes.values_list("stance", flat=True)) == {"oppose"}
    # The review's answers per stance follow: every theme holding the paper answer counts it as opposing.
    holding = set(quotes.values_list("theme_id", flat=True))
    review = ts.theme_review(world["consultation"])
    views = [view for item in review.questions for view in item.themes if view.theme.pk in holding]
    assert len(views) == len(holding)
    for view in views:
        counts = {value: count for value, _label, count in view.counts}
        assert counts["none"] == 0 and counts["oppose"] >= 1
    others = ThemeQuote.objects.filter(theme__run=run).exclude(submission=paper)
    assert "none" not in set(others.values_list("stance", flat=True))
