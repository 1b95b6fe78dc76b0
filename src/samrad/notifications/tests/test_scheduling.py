import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.tasks import task
from django.utils import timezone

from samrad.notifications.models import PeriodicJob
from samrad.notifications.scheduling import PeriodicJobRegistry, periodic_job_claim, periodic_jobs, scheduler_tick
from samrad.notifications.tasks import outbox_sweep
from samrad.notifications.tests.conftest import queued_tasks


@task()
def heartbeat() -> str:
    """A periodic task for these tests."""
    return "beat"


@pytest.fixture
def registry() -> PeriodicJobRegistry:
    jobs = PeriodicJobRegistry()
    jobs.register(name="test.heartbeat", interval=timedelta(minutes=5), task=heartbeat)
    return jobs


def test_the_outbox_sweep_is_registered_every_minute():
    [spec] = [spec for spec in periodic_jobs if spec.name == "notifications.outbox_sweep"]
    assert spec.interval == timedelta(minutes=1)
    assert spec.task == outbox_sweep


def test_a_name_cannot_be_registered_for_two_different_jobs(registry):
    with pytest.raises(ValueError, match="already registered"):
        registry.register(name="test.heartbeat", interval=timedelta(minutes=1), task=heartbeat)
    registry.register(name="test.heartbeat", interval=timedelta(minutes=5), task=heartbeat)  # the same: fine
    assert len(registry) == 1


@pytest.mark.django_db
def test_a_new_job_runs_at_the_first_tick_and_then_once_per_interval(registry):
    now = timezone.now()
    assert scheduler_tick(registry=registry, now=now) == ["test.heartbeat"]
    assert queued_tasks(heartbeat).count() == 1
    job = PeriodicJob.objects.get(name="test.heartbeat")
    assert job.last_run_at == now
    assert job.next_run_at == now + timedelta(minutes=5)

    assert scheduler_tick(registry=registry, now=now + timedelta(minutes=4)) == []
    assert queued_tasks(heartbeat).count() == 1

    assert scheduler_tick(registry=registry, now=now + timedelta(minutes=5)) == ["test.heartbeat"]
    assert queued_tasks(heartbeat).count() == 2


@pytest.mark.django_db
def test_a_job_that_is_not_due_is_not_queued(registry):
    PeriodicJob.objects.create(name="test.heartbeat", next_run_at=timezone.now() + timedelta(minutes=3))
    assert scheduler_tick(registry=registry) == []
    assert not queued_tasks(heartbeat).exists()


@pytest.mark.django_db
def test_a_claim_made_on_a_stale_read_fails(registry):
    now = timezone.now()
    job = PeriodicJob.objects.create(name="test.heartbeat", next_run_at=now - timedelta(seconds=1))
    stale_copy = PeriodicJob.objects.get(pk=job.pk)
    assert periodic_job_claim(job, interval=timedelta(minutes=5), now=now) is True
    assert periodic_job_claim(stale_copy, interval=timedelta(minutes=5), now=now) is False


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_ticking_at_once_queue_a_due_job_once(registry):
    PeriodicJob.objects.create(name="test.heartbeat", next_run_at=timezone.now() - timedelta(seconds=1))
    schedulers = 4
    start = threading.Barrier(schedulers)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            start.wait()
            results.append(scheduler_tick(registry=registry))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(schedulers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(results) == [[], [], [], ["test.heartbeat"]]
    assert queued_tasks(heartbeat).count() == 1


@pytest.mark.django_db
def test_run_scheduler_once_queues_the_outbox_sweep(capsys):
    call_command("run_scheduler", "--once")
    assert "notifications.outbox_sweep" in capsys.readouterr().out
    assert queued_tasks(outbox_sweep).count() == 1
    call_command("run_scheduler", "--once")
    assert queued_tasks(outbox_sweep).count() == 1
