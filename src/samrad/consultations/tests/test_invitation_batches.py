"""Invitations go out in background batches: opening answers at once whatever the length of the list, the tasks
invite every body exactly once (run twice, by two workers at once, after a lost chain of tasks), and the
coordinator's pages show how far they have come."""

import datetime as dt
import os
import signal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samrad.consultations import services
from samrad.consultations.invitations import invitation_progress, invitations_resume_stalled, invitations_send_batch
from samrad.consultations.models import Consultation, Referral
from samrad.consultations.tasks import send_invitation_batch
from samrad.notifications.models import OutboundEmail
from samrad.notifications.scheduling import periodic_jobs
from samrad.organisations.models import Organisation
from samrad.testing.queue import run_queued_tasks

INVITATION = "consultations.invitation"


def register(count: int, prefix: str) -> list[Organisation]:
    """`count` agencies, each with a registry address (and no people): one invitation e-mail each."""
    return Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.AGENCY,
                name=f"{prefix} {n:05d}",
                registry_email=f"registrator{n}@{prefix.lower()}.example.se",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )


def put_on_list(consultation: Consultation, organisations: list[Organisation]) -> None:
    Referral.objects.bulk_create(
        [Referral(consultation=consultation, organisation=organisation) for organisation in organisations],
        batch_size=1000,
    )


def registry_invitations(consultation: Consultation) -> dict[int, int]:
    """Referral id -> the number of invitation e-mails queued for its registry."""
    counts: dict[int, int] = {}
    for key in OutboundEmail.objects.filter(category=INVITATION, dedupe_key__endswith=":registry").values_list(
        "dedupe_key", flat=True
    ):
        referral_id = int(str(key).split(":")[1])
        counts[referral_id] = counts.get(referral_id, 0) + 1
    on_list = set(Referral.objects.filter(consultation=consultation).values_list("pk", flat=True))
    return {pk: n for pk, n in counts.items() if pk in on_list}


def every_body_invited_once(consultation: Consultation) -> None:
    referral_ids = set(Referral.objects.filter(consultation=consultation).values_list("pk", flat=True))
    invitations = registry_invitations(consultation)
    assert set(invitations) == referral_ids
    assert set(invitations.values()) == {1}
    assert not Referral.objects.filter(consultation=consultation, invited_at__isnull=True).exists()


def open_through_the_page(client, consultation: Consultation) -> tuple[int, int]:
    """POST the open form; returns (status code, number of queries the request made)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("coordination:open", args=[consultation.pk]))
    return response.status_code, len(queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_opening_with_10_000_bodies_is_one_small_request_and_the_tasks_invite_each_body_once(
    client, coordinator, make_consultation
):
    warm_up, small, large = make_consultation(), make_consultation(), make_consultation()
    put_on_list(small, register(10, "Liten"))
    put_on_list(large, register(10_000, "Stor"))
    client.force_login(coordinator)
    open_through_the_page(client, warm_up)  # fills the per-process caches (content types, the audit chain's head)

    small_status, small_queries = open_through_the_page(client, small)
    large_status, large_queries = open_through_the_page(client, large)

    # The request does the same work for 10 and for 10 000 bodies: the move, its audit event and one queued task.
    assert (small_status, large_status) == (302, 302)
    assert large_queries == small_queries
    large.refresh_from_db()
    assert large.status == Consultation.Status.OPEN
    assert large.status_changes.get().to_status == Consultation.Status.OPEN
    assert not OutboundEmail.objects.exists()
    assert DBTaskResult.objects.filter(task_path=send_invitation_batch.module_path).count() == 3
    assert invitation_progress(large).pending == 10_000

    run_queued_tasks(queue="default")  # the batches; the 20 000 e-mails they queue wait on the mail queue

    every_body_invited_once(small)
    every_body_invited_once(large)
    assert OutboundEmail.objects.filter(category=INVITATION).count() == 10_010
    assert invitation_progress(large).done == 10_000


@pytest.mark.django_db
def test_a_batch_run_again_invites_nobody_twice(coordinator, make_consultation, send_invitations):
    consultation = make_consultation(open=True)
    put_on_list(consultation, register(25, "Batch"))

    first = invitations_send_batch(consultation_id=consultation.pk, limit=10)
    assert (len(first.invited), first.remaining) == (10, 15)
    assert send_invitations(consultation, batch_size=10) == 2  # the rest, in two more batches
    again = invitations_send_batch(consultation_id=consultation.pk, limit=10)
    assert (again.processed, again.remaining, again.emails) == (0, 0, 0)

    every_body_invited_once(consultation)


@pytest.mark.django_db
def test_a_body_whose_invitation_fails_does_not_hold_up_the_others(make_consultation, send_invitations):
    consultation = make_consultation(open=True)
    broken = Organisation.objects.bulk_create(  # written past the model's checks: a blank address
        [Organisation(kind=Organisation.Kind.AGENCY, name="AAA Trasig adress", registry_email=" ")]
    )
    put_on_list(consultation, [*broken, *register(5, "Hel")])

    send_invitations(consultation, batch_size=3)

    progress = invitation_progress(consultation)
    assert (progress.invited, progress.pending) == (5, 1)
    assert Referral.objects.get(consultation=consultation, invited_at__isnull=True).organisation == broken[0]
    assert OutboundEmail.objects.filter(category=INVITATION).count() == 5


@pytest.mark.django_db
def test_a_batch_does_nothing_on_a_consultation_that_is_not_open(make_consultation):
    draft = make_consultation()
    put_on_list(draft, register(3, "Utkast"))
    assert invitations_send_batch(consultation_id=draft.pk).processed == 0
    assert not OutboundEmail.objects.exists()


@pytest.mark.worker
def test_two_workers_at_once_invite_every_body_once(task_worker, smtp_server, coordinator, make_consultation):
    consultation = make_consultation()
    put_on_list(consultation, register(240, "Parallell"))
    with transaction.atomic():
        services.consultation_open(actor=coordinator, consultation=consultation)
        # Two more chains of batches besides the one opening queued: three chains share the list.
        for _ in range(2):
            send_invitation_batch.enqueue(consultation.pk, batch_size=15)

    workers = [task_worker(backend="database", env=smtp_server.environment()) for _ in range(2)]

    workers[0].wait_until(
        lambda: invitation_progress(consultation).pending == 0, timeout=120, what="every body is invited"
    )
    every_body_invited_once(consultation)
    assert OutboundEmail.objects.filter(category=INVITATION).count() == 240


def kill(worker) -> None:
    """SIGKILL the worker's process group, as the kernel's OOM killer or a pulled plug would: no clean-up."""
    process = worker._process  # the fixture stops workers politely; this test needs them dead mid-job
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.worker
def test_a_worker_killed_in_the_middle_of_a_batch_leaves_no_one_invited_twice_and_the_sweep_goes_on(
    task_worker, smtp_server, coordinator, make_consultation
):
    consultation = make_consultation()
    put_on_list(consultation, register(300, "Dodad"))
    with transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.OPEN)
        send_invitation_batch.enqueue(consultation.pk, batch_size=300)  # one long batch
    Consultation.objects.filter(pk=consultation.pk).update(opened_at=timezone.now())
    first = task_worker(backend="database", env=smtp_server.environment())
    first.wait_until(lambda: DBTaskResult.objects.filter(status="RUNNING").exists(), what="the batch has started")
    kill(first)

    # The batch's transaction died with the worker: its task stays "running" for ever, and the bodies it was
    # inviting are still pending (or, had it just committed, done) but never half-done.
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
    progress = invitation_progress(consultation)
    assert progress.done in (0, 300)
    assert OutboundEmail.objects.filter(category=INVITATION).count() == progress.invited

    Consultation.objects.filter(pk=consultation.pk).update(opened_at=timezone.now() - dt.timedelta(minutes=5))
    resumed = invitations_resume_stalled(now=timezone.now() + dt.timedelta(minutes=3))
    assert resumed == ([consultation.pk] if progress.pending else [])
    second = task_worker(backend="database", env=smtp_server.environment())
    second.wait_until(lambda: invitation_progress(consultation).pending == 0, timeout=120, what="every body is invited")
    every_body_invited_once(consultation)


@pytest.mark.django_db(transaction=True)
def test_a_fan_out_that_lost_its_tasks_is_resumed_by_the_periodic_sweep(coordinator, make_consultation):
    consultation = make_consultation()
    put_on_list(consultation, register(30, "Avbruten"))
    services.consultation_open(actor=coordinator, consultation=consultation)
    invitations_send_batch(consultation_id=consultation.pk, limit=12)
    # The worker running the chain died and its task was lost: nothing is queued any more.
    DBTaskResult.objects.all().delete()
    assert invitation_progress(consultation).pending == 18

    assert invitations_resume_stalled() == []  # progress was made just now: not stalled (yet)
    later = timezone.now() + dt.timedelta(minutes=3)
    Consultation.objects.filter(pk=consultation.pk).update(opened_at=timezone.now() - dt.timedelta(minutes=5))
    assert invitations_resume_stalled(now=later) == [consultation.pk]
    run_queued_tasks()

    every_body_invited_once(consultation)
    assert invitations_resume_stalled(now=later + dt.timedelta(minutes=3)) == []  # nothing left to resume
    assert "consultations.invitations" in {job.name for job in periodic_jobs}


@pytest.mark.django_db
def test_the_pages_show_how_far_the_invitations_have_come(client, coordinator, make_consultation):
    consultation = make_consultation(open=True)
    put_on_list(consultation, register(10_000, "Framsteg"))
    first = Referral.objects.filter(consultation=consultation).order_by("pk").values_list("pk", flat=True)[:4200]
    Referral.objects.filter(pk__in=list(first)).update(invited_at=timezone.now())
    client.force_login(coordinator)

    for name in ("detail", "dashboard", "referrals"):
        html = client.get(reverse(f"coordination:{name}", args=[consultation.pk])).content.decode()
        assert "Inbjudningar skickas: 4\xa0200 av 10\xa0000" in html, name

    status_url = reverse("coordination:invitation_status", args=[consultation.pk])
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "Inbjudningar skickas: 4\xa0200 av 10\xa0000" in fragment
    assert f'hx-get="{status_url}"' in fragment  # asks again until done

    Referral.objects.filter(consultation=consultation, invited_at__isnull=True).update(invited_at=timezone.now())
    fragment = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "Inbjudningarna har skickats till alla 10\xa0000 remissinstanser." in fragment
    assert "hx-get" not in fragment  # stops asking
    html = client.get(reverse("coordination:detail", args=[consultation.pk])).content.decode()
    assert "Inbjudningar skickas" not in html
