"""The demo dialogue: what the issue's "done when" asks for, built on the demo register and people, and loading
it twice adds nothing."""

import pytest

from samrad.audit.models import AuditEvent
from samrad.consultations.models import Consultation
from samrad.consultations.tests.factories import ConsultationFactory
from samrad.core.demo import demo_load
from samrad.dialogue.demo import dialogue_demo_load
from samrad.dialogue.models import ActionPoint, DialogueSeries, Input, Meeting, Registration
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "series": DialogueSeries.objects.count(),
        "meetings": Meeting.objects.count(),
        "registrations": Registration.objects.count(),
        "inputs": Input.objects.count(),
        "action_points": ActionPoint.objects.count(),
        "emails": OutboundEmail.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_the_demo_dialogue_is_complete_and_loads_once(client):
    demo_load()
    consultation = Consultation.objects.filter(status=Consultation.Status.OPEN).order_by("pk").first()
    assert consultation is not None, "the demo has an open consultation"

    series = dialogue_demo_load()

    assert series.title == "Regional samverkan"
    assert sorted(series.organisers.values_list("name", flat=True)) == [
        "Kommunförbundet Stockholms Län",
        "Region Stockholm",
    ]
    assert series.invited.count() == 26
    meetings = {m.title: m for m in series.meetings.all()}
    assert list(meetings["Dialogmöte Södertörn"].for_groups.values_list("name", flat=True)) == ["Södertörn"]
    assert list(meetings["Dialogmöte Stockholm Nordost"].for_groups.values_list("name", flat=True)) == [
        "Stockholm Nordost"
    ]
    rest = set(meetings["Dialogmöte övriga länet"].for_organisations.values_list("name", flat=True))
    assert "Stockholm" in rest and "Huddinge" not in rest and "Norrtälje" not in rest and len(rest) == 12
    registered = {(r.user.email, r.meeting.title) for r in Registration.objects.select_related("user", "meeting")}
    assert registered == {
        ("erik.nystrom@huddinge.example", "Dialogmöte Södertörn"),
        ("lina.ahmadi@huddinge.example", "Dialogmöte Södertörn"),
        ("sara.holm@norrtalje.example", "Dialogmöte Stockholm Nordost"),
    }
    kickoff = meetings["Uppstartsmöte för regional samverkan"]
    assert kickoff.is_over and kickoff.minutes.is_published
    assert kickoff.action_points.filter(kind="action").count() == 2
    inputs = {i.organisation.municipality_code: i for i in series.inputs.select_related("organisation")}
    assert set(inputs) == {"0126", "0188"}
    assert inputs["0126"].consultation == consultation and inputs["0188"].consultation is None

    before = counts()
    dialogue_demo_load()
    assert counts() == before

    # The series is public: anyone can read the published minutes.
    page = client.get(f"/dialog/mote/{kickoff.pk}/").content.decode()
    assert "<h2>2. Förväntningar</h2>" in page and "Sammanställa kommunernas förväntningar" in page


def test_without_an_open_consultation_the_input_stays_unlinked_until_one_exists():
    demo_load()  # loads the dialogue too, linked to the demo consultation
    # As if the dialogue had been loaded before any consultation was open:
    Input.objects.update(consultation=None)
    Consultation.objects.update(status=Consultation.Status.CLOSED)
    dialogue_demo_load()
    assert not Input.objects.filter(consultation__isnull=False).exists()
    consultation = ConsultationFactory.create(open=True)
    dialogue_demo_load()
    assert Input.objects.get(consultation__isnull=False).consultation == consultation
