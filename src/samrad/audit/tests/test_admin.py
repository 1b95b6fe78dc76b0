import pytest
from django.urls import reverse

from samrad.accounts.tests.factories import UserFactory
from samrad.audit.models import AuditEvent
from samrad.audit.services import audit_record, audit_verify


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def event():
    return audit_record(actor="import", action="test.admin", object_type="test.thing", object_id=7)


@pytest.mark.django_db
def test_superuser_can_list_filter_search_and_view_events(superuser_client, event):
    changelist = reverse("admin:audit_auditevent_changelist")
    response = superuser_client.get(changelist, {"action": "test.admin", "q": "import"})
    assert response.status_code == 200
    assert "test.admin" in response.content.decode()
    response = superuser_client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code == 200  # a read-only view
    assert 'name="_save"' not in response.content.decode()


@pytest.mark.django_db
def test_nobody_can_add_change_or_delete_events_in_the_admin(superuser_client, event):
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    response = superuser_client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "test.forged", "object_id": "1"}
    )
    assert response.status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = superuser_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code == 200  # the bulk delete action does not exist here; the list is shown again
    assert "delete_selected" not in response.content.decode()
    assert AuditEvent.objects.filter(pk=event.pk, action="test.admin").exists()
    assert audit_verify().ok
