import pytest
from django.urls import reverse
from django.utils import translation

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.notifications.models import OutboundEmail
from samrad.notifications.services import email_enqueue


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(is_staff=True))
    return client


@pytest.fixture
def respondent_client(client):
    client.force_login(MembershipFactory(role=Membership.Role.RESPONDENT).user)
    return client


def queue(subject: str, state: str = OutboundEmail.State.QUEUED, **fields: object) -> OutboundEmail:
    message = email_enqueue(to=["registrator@nacka.se"], subject=subject, body_text="Hej <b>där</b>")
    OutboundEmail.objects.filter(pk=message.pk).update(state=state, **fields)
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_respondents_are_refused(respondent_client):
    failed = queue("Misslyckad", OutboundEmail.State.FAILED)
    assert respondent_client.get(reverse("notifications:outbox")).status_code == 403
    assert respondent_client.get(reverse("notifications:outbox_detail", args=[failed.pk])).status_code == 403
    assert respondent_client.post(reverse("notifications:outbox_retry", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.state == OutboundEmail.State.FAILED


@pytest.mark.django_db
def test_staff_see_the_outbox_with_counts_per_state(staff_client, django_assert_max_num_queries):
    queue("Inbjudan A")
    queue("Inbjudan B", OutboundEmail.State.SENT)
    queue("Påminnelse", OutboundEmail.State.FAILED, last_error="550 5.1.1 Mailbox unavailable")
    with translation.override("sv"), django_assert_max_num_queries(10):
        response = staff_client.get(reverse("notifications:outbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="ds-heading" data-size="lg">Utskick</h1>' in page
    assert "Alla (3)" in page
    assert "Misslyckades (1)" in page
    assert "Inbjudan A" in page and "Påminnelse" in page

    failed_only = staff_client.get(reverse("notifications:outbox"), {"state": "failed"}).content.decode()
    table = failed_only.split("<tbody>")[1].split("</tbody>")[0]
    assert "Påminnelse" in table
    assert "Inbjudan" not in table


@pytest.mark.django_db
def test_the_detail_page_shows_the_message_and_its_error_escaped(staff_client):
    failed = queue("Påminnelse", OutboundEmail.State.FAILED, last_error="550 <user> unknown", attempts=3)
    with translation.override("sv"):
        page = staff_client.get(reverse("notifications:outbox_detail", args=[failed.pk])).content.decode()
    assert "550 &lt;user&gt; unknown" in page
    assert "Hej &lt;b&gt;där&lt;/b&gt;" in page
    assert failed.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Försök skicka igen nu" in page


@pytest.mark.django_db
def test_retry_now_requeues_a_failed_message(staff_client):
    failed = queue("Påminnelse", OutboundEmail.State.FAILED)
    response = staff_client.post(reverse("notifications:outbox_retry", args=[failed.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:outbox_detail", args=[failed.pk])
    failed.refresh_from_db()
    assert failed.state == OutboundEmail.State.QUEUED
    assert AuditEvent.objects.filter(action="email.retry", object_id=str(failed.pk)).exists()


@pytest.mark.django_db
def test_retry_now_is_refused_for_a_sent_message(staff_client):
    sent = queue("Skickad", OutboundEmail.State.SENT)
    with translation.override("sv"):
        response = staff_client.post(reverse("notifications:outbox_retry", args=[sent.pk]), follow=True)
    assert "Bara ett misslyckat meddelande" in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == OutboundEmail.State.SENT
    assert staff_client.get(reverse("notifications:outbox_retry", args=[sent.pk])).status_code == 405


@pytest.mark.django_db
def test_coordinators_who_are_not_platform_staff_are_refused(client):
    """The outbox holds every organisation's mail: a coordinator of one organisation must not read it."""
    message = queue("Kallelse")
    client.force_login(MembershipFactory(role=Membership.Role.COORDINATOR).user)
    assert client.get(reverse("notifications:outbox")).status_code == 403
    assert client.get(reverse("notifications:outbox_detail", args=[message.pk])).status_code == 403


@pytest.mark.django_db
def test_login_links_are_redacted_even_for_staff(staff_client):
    link = "http://127.0.0.1:8000/konto/lank/?sesame=AAAAAAAAAAEM_NNGaS3kLZkJR-gT-w&next=/remisser/"
    message = email_enqueue(
        to=["erik@huddinge.example"],
        subject="Logga in",
        body_text=f"Logga in: {link}",
        body_html=f'<a href="{link}">x</a>',
    )
    page = staff_client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()
    assert "AAAAAAAAAAEM_NNGaS3kLZkJR-gT-w" not in page
    assert "sesame=[dolt]" in page
