"""Mail never waits for other work: delivery runs on its own queue with its own worker, so a login link goes out
within seconds while the other worker is busy with a file that takes minutes to read."""

import io
import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from samrad.accounts.tests.factories import UserFactory
from samrad.documents.models import StoredFile
from samrad.documents.services import file_intake
from samrad.documents.tests import samples
from samrad.notifications.tasks import deliver_email, outbox_sweep

EXTRACTION_TIME_LIMIT = 15


@pytest.fixture
def fresh_rate_limits():
    """The login-link limits live in the cache, which a transactional test's flush does not empty: start and
    leave it empty, so that neither this test nor the next is refused as a repeat client."""
    cache.clear()
    yield
    cache.clear()


def test_delivery_and_its_sweep_are_on_the_mail_queue():
    assert deliver_email.queue_name == outbox_sweep.queue_name == "mail"


@pytest.mark.worker
@pytest.mark.parametrize("backend", ["database", pytest.param("rq", marks=pytest.mark.redis)])
def test_a_login_link_is_delivered_within_seconds_while_the_other_worker_chews_an_extraction_bomb(
    backend, request, task_worker, smtp_server, client, fresh_rate_limits
):
    env = {**smtp_server.environment(), "EXTRACTION_TIME_LIMIT": str(EXTRACTION_TIME_LIMIT)}
    if backend == "rq":
        env.update(request.getfixturevalue("rq_task_queue").environment())
    UserFactory.create(email="sara.holm@norrtalje.example", first_name="Sara")
    with transaction.atomic():
        bomb = file_intake(
            actor=None, stream=io.BytesIO(samples.make_extraction_bomb(pages=200)), name="remissunderlag.pdf"
        )
    extraction_worker = task_worker(backend=backend, env=env, queues=("default",))
    task_worker(backend=backend, env=env, queues=("mail",))
    extraction_worker.wait_until(
        lambda: StoredFile.objects.get(pk=bomb.pk).text_claimed_at is not None,
        what="the extraction worker starts on the crafted PDF",
    )

    asked = time.monotonic()
    response = client.post(reverse("accounts:login"), {"email": "sara.holm@norrtalje.example"})
    assert response.status_code == 302
    [received] = smtp_server.wait_for_messages(1, timeout=EXTRACTION_TIME_LIMIT)
    waited = time.monotonic() - asked

    assert received.envelope_to == ["sara.holm@norrtalje.example"]
    assert "Hej Sara" in received.body()
    # Delivered while the other worker was still reading the file, not after it.
    assert StoredFile.objects.get(pk=bomb.pk).text_state == StoredFile.TextState.PENDING
    assert waited < 10, f"the login link took {waited:.1f} s"

    # And the reading itself stops at its limit, with the document flagged, not pending for ever.
    extraction_worker.wait_until(
        lambda: StoredFile.objects.get(pk=bomb.pk).text_state != StoredFile.TextState.PENDING,
        timeout=EXTRACTION_TIME_LIMIT + 20,
        what="the extraction is cut off at its time limit",
    )
    bomb.refresh_from_db()
    assert bomb.text_state == StoredFile.TextState.PARTIAL
    assert bomb.text_cut_off == StoredFile.TextCutOff.TIME
