"""The pages: who sees what (a member of an organisation not invited gets 404), registering and cancelling from
the meeting page, minutes shown inert, the public page of a public series, the feed's access rules, and the
coordinators' pages end to end."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from icalendar import Calendar

from samrad.consultations.tests.factories import ConsultationFactory
from samrad.dialogue import feeds, records, services
from samrad.dialogue.models import DialogueSeries, Input, Meeting, Registration
from samrad.dialogue.registrations import meeting_register
from samrad.dialogue.tests.conftest import at
from samrad.documents.tests.samples import make_pdf
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def test_a_member_of_an_organisation_not_invited_sees_nothing_of_a_series_for_invited_only(
    client, series, meeting, outsider
):
    client.force_login(outsider)
    assert client.get("/dialog/").status_code == 200
    assert "Regional samverkan" not in client.get("/dialog/").content.decode()
    assert client.get(f"/dialog/{series.pk}/").status_code == 404
    assert client.get(f"/dialog/mote/{meeting.pk}/").status_code == 404
    assert client.get(f"/dialog/mote/{meeting.pk}/kalender.ics").status_code == 404
    assert client.get(f"/dialog/{series.pk}/kalender.ics").status_code == 404
    assert client.get(f"/dialog/{series.pk}/inspel/").status_code == 404
    response = client.post(f"/dialog/mote/{meeting.pk}/anmal/", {"needs": ""})
    assert response.status_code == 404
    assert not Registration.objects.exists()
    assert client.get(f"/dialog/hantera/{series.pk}/").status_code == 404


def test_the_public_sees_nothing_of_it_either(client, series, meeting):
    assert client.get(f"/dialog/{series.pk}/").status_code == 404
    assert client.get(f"/dialog/mote/{meeting.pk}/").status_code == 404
    assert client.get(f"/dialog/{series.pk}/kalender.ics").status_code == 404


def test_a_member_registers_and_cancels_from_the_meeting_page(client, series, make_meeting, erik, huddinge):
    meeting = make_meeting(capacity=10, agenda="<p>Välkomna</p><ul><li>Förväntningar</li></ul>")
    client.force_login(erik)

    page = client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    assert "Anmäl dig till mötet" in page
    assert "<li>Förväntningar</li>" in page
    assert 'type="hidden" name="organisation"' in page, "one organisation to choose from: nothing to ask"

    response = client.post(
        f"/dialog/mote/{meeting.pk}/anmal/", {"organisation": huddinge.pk, "needs": "Laktosfri kost"}, follow=True
    )
    assert response.status_code == 200
    registration = Registration.objects.get(user=erik)
    assert registration.status == "registered" and registration.needs == "Laktosfri kost"
    page = response.content.decode()
    assert "Du är anmäld för Huddinge" in page
    assert "Avboka min anmälan" in page

    client.post(f"/dialog/mote/{meeting.pk}/avanmal/")
    registration.refresh_from_db()
    assert registration.status == "cancelled" and registration.needs == ""


def test_registration_after_the_deadline_is_refused_on_the_page(client, make_meeting, erik, huddinge):
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(registration_deadline=at(-1))
    client.force_login(erik)
    assert "Anmälan har stängt" in client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    response = client.post(f"/dialog/mote/{meeting.pk}/anmal/", {"organisation": huddinge.pk})
    assert response.status_code == 400
    assert "Anmälan till mötet har stängt" in response.content.decode()
    assert not Registration.objects.exists()


def test_minutes_with_script_and_markup_are_shown_inert(client, coordinator, meeting, erik, huddinge):
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(-1, 9), ends_at=at(-1, 12), registration_deadline=at(-2))
    meeting.refresh_from_db()
    hostile = (
        '<h2 onclick="steal()">Beslut</h2><script>alert("x")</script>'
        '<p style="color:red" onmouseover="steal()">Vi enades om <strong>samverkan</strong>.</p>'
        '<a href="javascript:alert(1)">länk</a> <img src="x" onerror="alert(1)">'
        '<iframe src="https://evil.example"></iframe><a href="https://ksl.se">KSL</a>'
    )
    minutes = records.minutes_save(actor=coordinator, meeting=meeting, body=hostile, publish=True)
    # Even if something unclean reached the database, the page cleans it again on the way out.
    type(minutes).objects.filter(pk=minutes.pk).update(body=hostile)

    client.force_login(erik)
    page = client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    section = page[page.index('id="minutes-heading"') :]
    assert "<h2>Beslut</h2>" in section
    assert "Vi enades om <strong>samverkan</strong>." in section
    assert '<a href="https://ksl.se" rel="noopener noreferrer nofollow">KSL</a>' in section
    for inert in ("<script", "alert(", "onclick", "onmouseover", "onerror", "javascript:", "<iframe", "style="):
        assert inert not in section, inert
    [notice] = OutboundEmail.objects.filter(category="dialogue.minutes")
    assert notice.to == [erik.email]


def test_unpublished_minutes_are_for_the_organisers_only(client, coordinator, meeting, erik, huddinge):
    records.minutes_save(actor=coordinator, meeting=meeting, body="Utkast till anteckningar")
    client.force_login(erik)
    assert "Utkast till anteckningar" not in client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    client.force_login(coordinator)
    assert "Utkast till anteckningar" in client.get(f"/dialog/mote/{meeting.pk}/").content.decode()


def test_a_public_series_has_a_public_page_and_an_open_feed(client, coordinator, series, make_meeting):
    services.series_update(actor=coordinator, series=series, data={"visibility": DialogueSeries.Visibility.PUBLIC})
    meeting = make_meeting(title="Öppet möte i Huddinge")

    listing = client.get("/dialog/").content.decode()
    assert "Regional samverkan" in listing
    page = client.get(f"/dialog/{series.pk}/").content.decode()
    assert "Öppet möte i Huddinge" in page
    assert "Förväntningar" in page
    assert f"/dialog/{series.pk}/kalender.ics" in page
    meeting_page = client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    assert "Logga in för att anmäla dig" in meeting_page
    feed = client.get(f"/dialog/{series.pk}/kalender.ics")
    assert [str(e["UID"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")] == [meeting.uid]


def test_the_secret_feed_address_works_for_members_only(client, series, meeting, erik, outsider, huddinge):
    token = feeds.feed_token(series, erik)
    assert client.get(f"/dialog/{series.pk}/kalender/{token}.ics").status_code == 200
    assert client.get(f"/dialog/{series.pk}/kalender/{erik.pk}-forged.ics").status_code == 404
    assert client.get(f"/dialog/{series.pk}/kalender/{feeds.feed_token(series, outsider)}.ics").status_code == 404
    # The address dies with the membership.
    erik.memberships.all().delete()
    assert client.get(f"/dialog/{series.pk}/kalender/{token}.ics").status_code == 404


def test_my_meetings_lists_registrations_and_what_is_open(client, make_meeting, erik, huddinge):
    registered = make_meeting(title="Mötet jag ska på")
    make_meeting(title="Mötet jag kan anmäla mig till")
    meeting_register(actor=erik, meeting=registered, organisation=huddinge)
    client.force_login(erik)
    page = client.get("/dialog/mina-moten/").content.decode()
    upcoming, rest = page.split("Möten du kan anmäla dig till")
    assert "Mötet jag ska på" in upcoming and "Mötet jag kan anmäla mig till" in rest


def test_a_member_sends_written_input_with_an_attachment(client, series, erik, huddinge, coordinator, outsider):
    topic = series.topics.get(title="Organisering")
    client.force_login(erik)
    response = client.post(
        f"/dialog/{series.pk}/inspel/",
        {
            "organisation": huddinge.pk,
            "topic": topic.pk,
            "title": "Huddinges syn",
            "text": "Vi vill <b>samverka</b> i delregionen.",
            "attachment": io.BytesIO(make_pdf("Inspel från Huddinge")),
        },
        follow=True,
    )
    assert response.status_code == 200
    item = Input.objects.get()
    assert (item.organisation, item.topic, item.submitted_by) == (huddinge, topic, erik)
    assert item.attachment is not None
    page = response.content.decode()
    assert "Vi vill &lt;b&gt;samverka&lt;/b&gt; i delregionen." in page
    assert client.get(f"/dialog/inspel/{item.pk}/bilaga/").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/dialog/inspel/{item.pk}/bilaga/").status_code == 404


def test_a_coordinator_runs_a_series_from_the_pages(
    client, coordinator, sll, sodertorn, huddinge, botkyrka, norrtalje, erik
):
    client.force_login(coordinator)
    response = client.post(
        "/dialog/hantera/ny/",
        {
            "title": "Framtidens vård",
            "purpose": "Hur organiserar vi vården?",
            "organisers": [sll.pk],
            "visibility": "invited",
            "topics": "Förväntningar\nFormer för samverkan",
            "reminders_enabled": "on",
            "reminder_days_before": "3",
            "reminder_text": "Ta med er lokala plan.",
        },
    )
    series = DialogueSeries.objects.get(title="Framtidens vård")
    assert response.status_code == 302 and response["Location"] == f"/dialog/hantera/{series.pk}/"
    assert [t.title for t in series.topics.all()] == ["Förväntningar", "Former för samverkan"]

    found = client.get(f"/dialog/hantera/{series.pk}/inbjudna/lagg-till/", {"groups": [sodertorn.pk]})
    assert "Huddinge" in found.content.decode() and "Norrtälje" not in found.content.decode()
    client.post(
        f"/dialog/hantera/{series.pk}/inbjudna/lagg-till/?groups={sodertorn.pk}",
        {"organisations": [huddinge.pk, botkyrka.pk]},
    )
    client.post(f"/dialog/hantera/{series.pk}/inbjudna/lagg-till/?q=Norrt", {"organisations": [norrtalje.pk]})
    assert set(series.invited.values_list("name", flat=True)) == {"Huddinge", "Botkyrka", "Norrtälje"}

    day = at(14).date()
    response = client.post(
        f"/dialog/hantera/{series.pk}/moten/nytt/",
        {
            "title": "Dialogmöte Södertörn",
            "day": day.isoformat(),
            "start_time": "09:00",
            "end_time": "12:00",
            "place": "Huddinge kommunhus",
            "for_groups": [sodertorn.pk],
            "capacity": "30",
            "per_org_cap": "3",
            "registration_deadline": at(10).date().isoformat(),
            "agenda": "Välkommen\n\nFörväntningar på samverkan",
        },
    )
    meeting = Meeting.objects.get(title="Dialogmöte Södertörn")
    assert response["Location"] == f"/dialog/hantera/mote/{meeting.pk}/"
    assert meeting.starts_at == at(14, 9) and meeting.agenda.startswith("<p>Välkommen</p>")
    client.post(f"/dialog/hantera/mote/{meeting.pk}/skicka-inbjudan/")
    invited = sorted(m.to[0] for m in OutboundEmail.objects.filter(category="dialogue.invitation"))
    assert invited == ["erik.nystrom@huddinge.example", "registrator@botkyrka.example"]

    response = client.post(
        f"/dialog/hantera/{series.pk}/nyheter/", {"title": "Så går dialogen till", "body": "Tre möten."}
    )
    assert OutboundEmail.objects.filter(category="dialogue.news").count() == 3

    response = client.post(f"/dialog/hantera/mote/{meeting.pk}/stall-in/", {"reason": "Flyttas till våren."})
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    for page in ("", "andra/", "inspel/", "deltagande/", "amnen/", "inbjudna/", "nyheter/", "moten/nytt/"):
        assert client.get(f"/dialog/hantera/{series.pk}/{page}").status_code == 200, page
    for page in ("", "narvaro/", "anteckningar/", "atgarder/"):
        assert client.get(f"/dialog/hantera/mote/{meeting.pk}/{page}").status_code == 200, page


def test_after_the_meeting_attendance_minutes_actions_and_participation(
    client, coordinator, meeting, erik, lina, huddinge, sara, norrtalje
):
    for person, organisation in [(erik, huddinge), (lina, huddinge), (sara, norrtalje)]:
        meeting_register(actor=person, meeting=meeting, organisation=organisation)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(-1, 9), ends_at=at(-1, 12), registration_deadline=at(-2))
    client.force_login(coordinator)

    client.post(f"/dialog/hantera/mote/{meeting.pk}/narvaro/", {"save_attendance": "1", "present": [erik.pk, sara.pk]})
    client.post(
        f"/dialog/hantera/mote/{meeting.pk}/narvaro/",
        {"add_walk_in": "1", "organisation": norrtalje.pk, "name": "Karl Gäst"},
    )
    client.post(
        f"/dialog/hantera/mote/{meeting.pk}/atgarder/",
        {"kind": "action", "description": "Ta fram underlag", "owner": huddinge.pk, "due_date": at(30).date()},
    )
    refused = client.post(
        f"/dialog/hantera/mote/{meeting.pk}/atgarder/", {"kind": "action", "description": "Utan ägare"}
    )
    assert "En åtgärdspunkt behöver en ansvarig organisation." in refused.content.decode()
    client.post(
        f"/dialog/hantera/mote/{meeting.pk}/anteckningar/",
        {"save_minutes": "1", "body": "Mötet diskuterade förväntningar.", "publish": "on"},
    )
    assert OutboundEmail.objects.filter(category="dialogue.minutes").count() == 3

    overview = client.get(f"/dialog/hantera/{meeting.series.pk}/deltagande/").content.decode()
    huddinge_row = overview[overview.index(">Huddinge<") :].split("</tr>")[0]
    norrtalje_row = overview[overview.index(">Norrtälje<") :].split("</tr>")[0]
    assert "1 / 2" in huddinge_row and "2 / 1" in norrtalje_row
    detail = client.get(f"/dialog/hantera/{meeting.series.pk}/deltagande/{norrtalje.pk}/").content.decode()
    assert "Karl Gäst" in detail and "Sara Holm" in detail

    client.force_login(erik)
    page = client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    assert "Mötet diskuterade förväntningar." in page and "Ta fram underlag" in page


def test_meeting_documents_are_checked_stored_and_served_to_those_who_may_see_them(
    client, coordinator, meeting, erik, outsider
):
    client.force_login(coordinator)
    client.post(
        f"/dialog/hantera/mote/{meeting.pk}/dokument/",
        {"title": "Underlag inför mötet", "file": io.BytesIO(make_pdf("Underlag"))},
    )
    refused = client.post(
        f"/dialog/hantera/mote/{meeting.pk}/dokument/",
        {"title": "Skript", "file": io.BytesIO(b"#!/bin/sh\necho hej\n")},
        follow=True,
    )
    assert meeting.documents.count() == 1
    assert 'class="ds-alert" data-color="danger"' in refused.content.decode()
    document = meeting.documents.get()

    client.force_login(erik)
    assert "Underlag inför mötet" in client.get(f"/dialog/mote/{meeting.pk}/").content.decode()
    download = client.get(f"/dialog/mote/{meeting.pk}/dokument/{document.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    client.force_login(outsider)
    assert client.get(f"/dialog/mote/{meeting.pk}/dokument/{document.pk}/").status_code == 404


def test_coordinators_link_minutes_and_input_to_a_consultation(client, coordinator, meeting, series, erik, huddinge):
    consultation = ConsultationFactory.create(open=True, title="Regional utvecklingsplan")
    item = records.input_submit(actor=erik, series=series, organisation=huddinge, title="Inspel", text="Text")
    records.minutes_save(actor=coordinator, meeting=meeting, body="Anteckningar")
    client.force_login(coordinator)

    client.post(
        f"/dialog/hantera/mote/{meeting.pk}/anteckningar/", {"link_consultation": "1", "consultation": consultation.pk}
    )
    client.post(
        f"/dialog/hantera/{series.pk}/inspel/{item.pk}/koppla/", {f"input-{item.pk}-consultation": consultation.pk}
    )

    meeting.minutes.refresh_from_db()
    item.refresh_from_db()
    assert meeting.minutes.consultation == consultation and item.consultation == consultation
    assert "Regional utvecklingsplan" in client.get(f"/dialog/hantera/{series.pk}/inspel/").content.decode()
    client.post(f"/dialog/hantera/{series.pk}/inspel/{item.pk}/koppla/", {f"input-{item.pk}-consultation": ""})
    item.refresh_from_db()
    assert item.consultation is None
    # Only the series' coordinators may link.
    client.force_login(erik)
    response = client.post(
        f"/dialog/hantera/{series.pk}/inspel/{item.pk}/koppla/", {f"input-{item.pk}-consultation": consultation.pk}
    )
    assert response.status_code == 404


def test_list_pages_take_a_fixed_number_of_queries(client, coordinator, series, make_meeting, erik, huddinge):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(coordinator)
    make_meeting(title="Första")
    pages = [f"/dialog/{series.pk}/", f"/dialog/hantera/{series.pk}/", f"/dialog/hantera/{series.pk}/deltagande/"]
    before = [queries(url) for url in pages]
    for number in range(4):
        meeting_register(actor=erik, meeting=make_meeting(title=f"Möte {number}"), organisation=huddinge)
    assert [queries(url) for url in pages] == before
