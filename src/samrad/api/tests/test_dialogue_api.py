"""The dialogue API: the public sees public series only, members also the series their organisations are invited
to; a series someone may not see is 404; the series detail carries the calendar feed's address."""

import pytest
from icalendar import Calendar

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.dialogue import services
from samrad.dialogue.models import DialogueSeries, Meeting
from samrad.dialogue.registrations import meeting_register
from samrad.dialogue.tests.conftest import at
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import GroupFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/dialogue/series"


@pytest.fixture
def sll(db):
    return OrganisationFactory.create(
        kind=Organisation.Kind.COUNTY_COUNCIL, name="Stockholms läns landsting", municipality_code=None
    )


@pytest.fixture
def coordinator(sll):
    user = UserFactory.create(email="samordnare@sll.example")
    MembershipFactory.create(user=user, organisation=sll, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def sodertorn(db):
    return GroupFactory.create(name="Södertörn")


@pytest.fixture
def huddinge(sodertorn):
    return OrganisationFactory.create(name="Huddinge", municipality_code="0126", groups=[sodertorn])


def _member(organisation: Organisation, email: str):
    user = UserFactory.create(email=email)
    MembershipFactory.create(user=user, organisation=organisation, role=Membership.Role.RESPONDENT)
    return user


@pytest.fixture
def erik(huddinge):
    return _member(huddinge, "erik@huddinge.example")


@pytest.fixture
def outsider(db):
    return _member(OrganisationFactory.create(name="Solna", municipality_code="0184"), "olle@solna.example")


@pytest.fixture
def series(coordinator, sll, huddinge) -> DialogueSeries:
    created = services.series_create(
        actor=coordinator, title="Regional samverkan", organisers=[sll], topics=["Förväntningar", "Organisering"]
    )
    services.series_invite(actor=coordinator, series=created, organisations=[huddinge])
    return created


@pytest.fixture
def make_meeting(series, coordinator):
    def make(**fields) -> Meeting:
        values = {"title": "Dialogmöte", "starts_at": at(10, 9), "ends_at": at(10, 12), "place": "Regionens hus"}
        return services.meeting_create(actor=coordinator, series=series, **{**values, **fields})

    return make


@pytest.fixture
def public_series(coordinator, sll) -> DialogueSeries:
    return services.series_create(
        actor=coordinator,
        title="Öppen dialog om kollektivtrafiken",
        organisers=[sll],
        visibility=DialogueSeries.Visibility.PUBLIC,
        topics=["Linjenät"],
    )


def test_the_public_sees_only_public_series(client, series, public_series):
    body = client.get(URL).json()
    assert [item["title"] for item in body] == ["Öppen dialog om kollektivtrafiken"]
    assert client.get(f"{URL}/{series.pk}").status_code == 404
    assert client.get(f"{URL}/{series.pk}/meetings").status_code == 404


def test_members_see_the_series_they_are_invited_to(client, series, public_series, erik, outsider):
    client.force_login(erik)
    assert {item["title"] for item in client.get(URL).json()} == {
        "Regional samverkan",
        "Öppen dialog om kollektivtrafiken",
    }
    client.force_login(outsider)
    assert [item["title"] for item in client.get(URL).json()] == ["Öppen dialog om kollektivtrafiken"]
    assert client.get(f"{URL}/{series.pk}").status_code == 404


def test_series_detail_has_topics_and_a_feed_url_that_works(client, series, erik, make_meeting):
    make_meeting(title="Södertörn")
    client.force_login(erik)
    detail = client.get(f"{URL}/{series.pk}").json()
    assert detail["title"] == "Regional samverkan"
    assert [t["title"] for t in detail["topics"]] == ["Förväntningar", "Organisering"]
    assert detail["organisers"] == [{"id": series.organisers.get().pk, "name": "Stockholms läns landsting"}]
    feed_url = detail["calendar_feed_url"]
    assert "/kalender/" in feed_url, "a non-public series gets the member's secret address"

    client.logout()
    feed = client.get(feed_url.removeprefix("http://127.0.0.1:8000"))
    assert feed.status_code == 200
    [event] = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Södertörn"


def test_a_public_series_has_the_open_feed(client, public_series):
    detail = client.get(f"{URL}/{public_series.pk}").json()
    assert detail["calendar_feed_url"].endswith(f"/dialog/{public_series.pk}/kalender.ics")


def test_meetings_in_time_order_with_places(client, series, coordinator, erik, huddinge, sodertorn, make_meeting):
    later = make_meeting(title="Nordost", starts_at=at(20, 13), ends_at=at(20, 15))
    first = make_meeting(title="Södertörn", for_groups=[sodertorn], capacity=20)
    meeting_register(actor=erik, meeting=first, organisation=huddinge)
    services.meeting_cancel(actor=coordinator, meeting=later)
    client.force_login(erik)

    meetings = client.get(f"{URL}/{series.pk}/meetings").json()

    assert [m["title"] for m in meetings] == ["Södertörn", "Nordost"]
    assert meetings[0]["for_groups"] == ["Södertörn"] and meetings[0]["capacity"] == 20
    assert meetings[0]["places_taken"] == 1 and meetings[0]["waiting_list"] == 0
    assert meetings[0]["starts_at"].endswith(("+01:00", "+02:00"))
    assert meetings[0]["uid"] == first.uid
    assert meetings[1]["status"] == "cancelled"


def test_unknown_ids_are_404(client):
    assert client.get(f"{URL}/999999").status_code == 404
