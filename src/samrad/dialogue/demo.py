"""Demo content for dialogues: the series "Regional samverkan" run by the county council and KSL, with meetings
for Södertörn, Stockholm Nordost and the rest of the county, registrations of the demo people, a past kick-off
meeting with minutes, decisions and action points, and written input from Huddinge and Norrtälje.

Called by the demo loader after the register and the demo people exist. Idempotent: each piece is looked up
(by its title) before it is made, so running it again adds nothing; the one exception is the link from
Huddinge's input to a consultation, made on a later run if no open consultation existed the first time.
Every write goes through the services, so the demo fills the audit log and the outbox as real use would.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from samrad.accounts.models import User
from samrad.actors import Actor
from samrad.consultations.models import Consultation
from samrad.dialogue import records, services
from samrad.dialogue.models import DialogueSeries, Input, Meeting, Minutes, Registration
from samrad.dialogue.registrations import meeting_register
from samrad.organisations.models import Group, Organisation
from samrad.organisations.selectors import kind_filter

TITLE = "Regional samverkan"
ORGANISERS = ["Region Stockholm", "Kommunförbundet Stockholms Län"]
PURPOSE = (
    "Landstinget och KSL bjuder in länets 26 kommuner till en dialog om hur vi ska samverka när ansvaret för "
    "regional utveckling förändras. Vi möts delregionalt under våren för att samla förväntningar, diskutera "
    "hur samverkan kan organiseras och vilka former som passar olika delar av länet.\n\n"
    "Mellan mötena tar vi gärna emot skriftliga inspel från kommunerna. Minnesanteckningar publiceras här efter "
    "varje möte."
)
TOPICS = [
    ("Förväntningar", "Vad förväntar sig kommunerna av regionen, och regionen av kommunerna?"),
    ("Organisering", "Politiska och tjänstemannamässiga strukturer för samverkan."),
    ("Former för samverkan", "Avtal, nätverk, gemensamma beredningar och arbetsgrupper."),
]
NEWS_TITLE = "Så går dialogen till"
NEWS_BODY = (
    "Dialogen inleddes med ett gemensamt uppstartsmöte. Under våren fortsätter den med tre delregionala möten: "
    "Södertörn, Stockholm Nordost och övriga länet. Varje kommun kan skicka upp till tre deltagare till sitt "
    "möte.\n\nAnmäl er på respektive mötes sida. Skriftliga inspel kan lämnas när som helst under våren."
)
AGENDA = (
    "<ol><li>Välkomna och presentation</li><li>Återkoppling från uppstartsmötet</li>"
    "<li>Förväntningar på regional samverkan</li><li>Hur vill vi organisera arbetet i delregionen?</li>"
    "<li>Nästa steg</li></ol>"
)
KICKOFF = "Uppstartsmöte för regional samverkan"
KICKOFF_MINUTES = (
    "<h2>Närvarande</h2><p>Företrädare för landstinget, KSL och 19 av länets kommuner.</p>"
    "<h2>1. Inledning</h2><p>Landstingets regiondirektör och KSL:s förbundsdirektör inledde och beskrev "
    "bakgrunden till dialogen: ansvaret för regional utveckling förändras och kommunerna vill vara med och "
    "forma hur samverkan ska gå till.</p>"
    "<h2>2. Förväntningar</h2><p>Kommunerna lyfte bland annat:</p><ul>"
    "<li>att regionen ska ha en <strong>tydlig roll</strong> i infrastruktur- och kollektivtrafikfrågor,</li>"
    "<li>att samråd sker <em>tidigt</em>, innan förslag är färdiga,</li>"
    "<li>att de delregionala samarbetena tas till vara.</li></ul>"
    "<h2>3. Fortsatt arbete</h2><p>Dialogen fortsätter med delregionala möten under våren. Underlag och "
    "minnesanteckningar publiceras på dialogens sida.</p>"
)
ACTION_POINTS = [
    ("decision", "Dialogen fortsätter med tre delregionala möten under våren.", None, None),
    ("action", "Sammanställa kommunernas förväntningar inför de delregionala mötena.", "ksl", 21),
    ("action", "Ta fram ett underlag om hur samverkan fungerar i Södertörn i dag.", "0126", 28),
]
INPUTS = [
    (
        "0126",
        "Förväntningar",
        "Huddinges förväntningar på regional samverkan",
        "Huddinge kommun ser positivt på en tydligare regional samverkan. Vi förväntar oss att regionen tar ett "
        "samlat ansvar för kollektivtrafik och regional planering, och att kommunerna får vara med tidigt när "
        "förslag tas fram.\n\nSödertörnskommunernas befintliga samarbete bör vara en utgångspunkt för hur "
        "samverkan organiseras i den södra delen av länet.",
    ),
    (
        "0188",
        "Organisering",
        "Norrtäljes syn på organiseringen",
        "För Norrtälje, med stora avstånd och en omfattande landsbygd, är det viktigt att samverkan inte bara "
        "sker i Stockholms innerstad. Vi föreslår att delregionala möten roterar mellan kommunerna och att det "
        "alltid finns möjlighet att delta digitalt.",
    ),
]


def _local(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _series(actor: Actor) -> DialogueSeries:
    existing = DialogueSeries.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    organisers = [Organisation.objects.get(name=name) for name in ORGANISERS]
    # Public, so that the demo also shows the public page; registering and input stay with the invited.
    series = services.series_create(
        actor=actor,
        title=TITLE,
        purpose=PURPOSE,
        organisers=organisers,
        visibility=DialogueSeries.Visibility.PUBLIC,
    )
    for title, description in TOPICS:
        services.topic_add(actor=actor, series=series, title=title, description=description)
    municipalities = Organisation.objects.filter(kind_filter(Organisation.Kind.MUNICIPALITY), county__code="01")
    services.series_invite(actor=actor, series=series, organisations=municipalities)
    services.news_post(actor=actor, series=series, title=NEWS_TITLE, body=NEWS_BODY)
    return series


def _meeting(actor: Actor, series: DialogueSeries, title: str, **fields: Any) -> Meeting:
    existing = series.meetings.filter(title=title).first()
    if existing is not None:
        return existing
    return services.meeting_create(actor=actor, series=series, title=title, **fields)


def _meetings(actor: Actor, series: DialogueSeries) -> dict[str, Meeting]:
    sodertorn = Group.objects.get(name="Södertörn")
    nordost = Group.objects.get(name="Stockholm Nordost")
    invited = Organisation.objects.filter(dialogue_series_invitations__series=series)
    rest = invited.exclude(groups__in=[sodertorn, nordost]).order_by("name")
    common = {"capacity": 40, "per_org_cap": 3, "agenda": AGENDA}
    meetings = {
        "sodertorn": _meeting(
            actor,
            series,
            "Dialogmöte Södertörn",
            starts_at=_local(14, 9),
            ends_at=_local(14, 12),
            registration_deadline=_local(10, 23),
            place="Huddinge kommunhus, Kommunalvägen 28, Huddinge",
            for_groups=[sodertorn],
            **common,
        ),
        "nordost": _meeting(
            actor,
            series,
            "Dialogmöte Stockholm Nordost",
            starts_at=_local(21, 13),
            ends_at=_local(21, 16),
            registration_deadline=_local(17, 23),
            place="Täby kommunhus, Esplanaden 3, Täby",
            online_url="https://mote.example/regional-samverkan-nordost",
            for_groups=[nordost],
            **common,
        ),
        "rest": _meeting(
            actor,
            series,
            "Dialogmöte övriga länet",
            starts_at=_local(28, 9),
            ends_at=_local(28, 12),
            registration_deadline=_local(24, 23),
            place="Kommunförbundet Stockholms Län, Stockholm",
            for_organisations=list(rest),
            **common,
        ),
    }
    for meeting in meetings.values():
        if meeting.invitations_sent_at is None:
            services.meeting_send_invitations(actor=actor, meeting=meeting)
    return meetings


def _register(meeting: Meeting, email: str, municipality_code: str, needs: str = "") -> None:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return
    active = meeting.registrations.exclude(status=Registration.Status.CANCELLED)
    if active.filter(user=user).exists():
        return
    organisation = Organisation.objects.get(municipality_code=municipality_code)
    meeting_register(actor=user, meeting=meeting, organisation=organisation, needs=needs)


def _kickoff(actor: Actor, series: DialogueSeries) -> Meeting:
    meeting = _meeting(
        actor,
        series,
        KICKOFF,
        starts_at=_local(-30, 13),
        ends_at=_local(-30, 16),
        registration_deadline=_local(-34, 23),
        place="Landstingshuset, Hantverkargatan 45, Stockholm",
        agenda="<ol><li>Bakgrund</li><li>Förväntningar</li><li>Hur dialogen ska gå till</li></ol>",
    )
    if Minutes.objects.filter(meeting=meeting).exists():
        return meeting
    bodies = {"ksl": Organisation.objects.get(name="Kommunförbundet Stockholms Län")}
    for kind, description, owner_key, due_in_days in ACTION_POINTS:
        owner = None
        if owner_key is not None:
            owner = bodies.get(owner_key) or Organisation.objects.get(municipality_code=owner_key)
        records.action_point_add(
            actor=actor,
            meeting=meeting,
            kind=kind,
            description=description,
            owner=owner,
            due_date=timezone.localdate() + dt.timedelta(days=due_in_days) if due_in_days else None,
        )
    for name, code in [("Erik Nyström", "0126"), ("Sara Holm", "0188"), ("Maria Lund", "0181")]:
        organisation = Organisation.objects.get(municipality_code=code)
        records.attendance_add_walk_in(actor=actor, meeting=meeting, organisation=organisation, name=name)
    records.minutes_save(actor=actor, meeting=meeting, body=KICKOFF_MINUTES, publish=True)
    return meeting


def _inputs(actor: Actor, series: DialogueSeries) -> None:
    for code, topic_title, title, text in INPUTS:
        organisation = Organisation.objects.get(municipality_code=code)
        if series.inputs.filter(organisation=organisation, title=title).exists():
            continue
        records.input_submit(
            actor=actor,
            series=series,
            organisation=organisation,
            topic=series.topics.get(title=topic_title),
            title=title,
            text=text,
        )
    huddinge_input = Input.objects.get(series=series, title=INPUTS[0][2])
    consultation = Consultation.objects.filter(status=Consultation.Status.OPEN).order_by("pk").first()
    if huddinge_input.consultation_id is None and consultation is not None:
        records.input_link_consultation(actor=actor, item=huddinge_input, consultation=consultation)


def dialogue_demo_load(*, actor: Actor = "demo") -> DialogueSeries:
    """Create (or complete) the demo dialogue; returns the series."""
    with transaction.atomic():
        series = _series(actor)
        meetings = _meetings(actor, series)
        _register(meetings["sodertorn"], "erik.nystrom@huddinge.example", "0126", needs="Vegetarisk kost")
        _register(meetings["sodertorn"], "lina.ahmadi@huddinge.example", "0126")
        _register(meetings["nordost"], "sara.holm@norrtalje.example", "0188", needs="Hörslinga")
        _kickoff(actor, series)
        _inputs(actor, series)
    return series
