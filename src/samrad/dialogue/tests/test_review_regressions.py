"""Found in review: a crafted feed token must be "not found", never a server error; taking an organisation off
a series must reach the search index (its people stop finding the series and its meetings); the services decide
who runs a meeting by the stored rows, not by the instance a caller passes in."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.dialogue import records, services
from samrad.dialogue.models import ActionPoint, DialogueSeries, Meeting, Minutes
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_token_with_non_ascii_digits_is_not_found(series):
    client = Client(raise_request_exception=False)
    assert client.get(reverse("dialogue:feed_token", args=[series.pk, "²-abc"])).status_code == 404


def test_uninviting_marks_the_series_changed_for_the_search_index(series, coordinator, huddinge):
    before = DialogueSeries.objects.get(pk=series.pk).updated_at
    services.series_uninvite(actor=coordinator, series=series, organisation=huddinge)
    assert DialogueSeries.objects.get(pk=series.pk).updated_at > before


def test_someone_elses_meeting_topic_or_record_is_refused_whatever_the_instance_says(meeting, series):
    """KSL's coordinator runs a series of their own. Handing the services an instance of SLL's meeting (or its
    topic, action point, document) that claims to be of KSL's series must not let them change it."""
    ksl = OrganisationFactory.create(kind=Organisation.Kind.ASSOCIATION, name="KSL", municipality_code=None)
    mallory = UserFactory.create(email="mallory@ksl.example.se")
    MembershipFactory.create(user=mallory, organisation=ksl, role=Membership.Role.COORDINATOR)
    own = services.series_create(actor=mallory, title="KSL:s serie", organisers=[ksl])

    disguised = Meeting.objects.get(pk=meeting.pk)
    disguised.series = own
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=mallory, meeting=disguised, data={"title": "Kapat"})
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(actor=mallory, meeting=disguised)
    with pytest.raises(PermissionDenied):
        records.minutes_save(actor=mallory, meeting=disguised, body="<p>Falska anteckningar</p>")

    topic = series.topics.first()
    topic.series = own
    with pytest.raises(PermissionDenied):
        services.topic_remove(actor=mallory, topic=topic)

    point = records.action_point_add(
        actor="system", meeting=meeting, description="Ta fram underlag", kind=ActionPoint.Kind.DECISION
    )
    point.meeting = disguised
    with pytest.raises(PermissionDenied):
        records.action_point_remove(actor=mallory, point=point)

    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) == ("Dialogmöte", Meeting.Status.SCHEDULED)
    assert series.topics.filter(pk=topic.pk).exists()
    assert ActionPoint.objects.filter(pk=point.pk).exists()
    assert not Minutes.objects.filter(meeting=meeting).exists()
