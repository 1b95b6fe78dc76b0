"""Demo content for the quick start: the county register, the bodies of the 2016 regional dialogue, demo people.

Loading is idempotent: running it again adds nothing that is already there and only prints fresh login links.
Every write goes through the apps' services, so the demo also fills the audit log as real use would.
"""

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import IO, Any

from django.db import transaction
from django.urls import reverse

from samrad.accounts.login_links import login_link_url
from samrad.accounts.models import Membership, User
from samrad.accounts.registry import registry_login_link
from samrad.accounts.services import membership_add, user_create
from samrad.audit.services import audit_record
from samrad.consultations.demo import consultation_demo_load
from samrad.consultations.demo_closed import consultation_closed_demo_load
from samrad.consultations.models import Consultation
from samrad.dialogue.demo import dialogue_demo_load
from samrad.library.demo import library_demo_load
from samrad.organisations.importing import default_register_path, import_register_file
from samrad.organisations.models import County, Division, Organisation
from samrad.organisations.selectors import kind_filter
from samrad.organisations.services import division_create, organisation_create, organisation_rename, organisation_update

DEMO_ACTOR = "demo"

# (key, kind, name, short name, county code, organisation number or ""). Region Gotland, a municipality and a
# region in one, comes from the register file (0980, second kind region).
OTHER_BODIES = [
    ("sll", Organisation.Kind.REGION, "Region Stockholm", "", "01", "232100-0016"),
    ("ksl", Organisation.Kind.ASSOCIATION, "Kommunförbundet Stockholms Län", "KSL", "01", ""),
    ("lst", Organisation.Kind.COUNTY_BOARD, "Länsstyrelsen i Stockholms län", "", "01", ""),
]
# Bodies that changed their name: key -> (former name, first day of the current name). The county council
# became Region Stockholm on 1 January 2019; the knowledge base's documents of 2016 show the old name.
FORMER_NAMES = {"sll": ("Stockholms läns landsting", dt.date(2019, 1, 1))}

# (e-mail, first name, last name, organisation: key of OTHER_BODIES or municipality code, role, label)
PEOPLE = [
    ("karin.lindqvist@ksl.example", "Karin", "Lindqvist", "ksl", Membership.Role.COORDINATOR, "Coordinator, KSL"),
    (
        "anders.berg@sll.example",
        "Anders",
        "Berg",
        "sll",
        Membership.Role.COORDINATOR,
        "Coordinator, Region Stockholm",
    ),
    ("erik.nystrom@huddinge.example", "Erik", "Nyström", "0126", Membership.Role.RESPONDENT, "Respondent, Huddinge"),
    ("lina.ahmadi@huddinge.example", "Lina", "Ahmadi", "0126", Membership.Role.RESPONDENT, "Respondent, Huddinge"),
    ("sara.holm@norrtalje.example", "Sara", "Holm", "0188", Membership.Role.RESPONDENT, "Respondent, Norrtälje"),
]


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_name.lower()).strip("-")


def _load_register(say: Callable[[str], None]) -> dict[str, Organisation]:
    result = import_register_file(default_register_path(), actor=DEMO_ACTOR)
    say(f"County register: {result.summary()}")
    for municipality in Organisation.objects.filter(kind_filter(Organisation.Kind.MUNICIPALITY), registry_email=""):
        organisation_update(
            actor=DEMO_ACTOR,
            organisation=municipality,
            data={"registry_email": f"registrator@{_slug(municipality.name)}.example"},
        )
    bodies: dict[str, Organisation] = {}
    for key, kind, name, short_name, county_code, number in OTHER_BODIES:
        former_name, renamed_on = FORMER_NAMES.get(key, (None, None))
        existing = Organisation.objects.filter(kind_filter(kind), name=name).first()
        if existing is None and former_name is not None:
            existing = Organisation.objects.filter(kind_filter(kind), name=former_name).first()
        body = existing or organisation_create(
            actor=DEMO_ACTOR,
            kind=kind,
            name=former_name or name,
            short_name=short_name,
            organisation_number=number,
            county=County.objects.get(code=county_code),
            registry_email=f"registrator@{key}.example",
        )
        if renamed_on is not None and body.name != name:
            body = organisation_rename(actor=DEMO_ACTOR, organisation=body, new_name=name, valid_from=renamed_on)
        bodies[key] = body
    if not Division.objects.filter(name="Stockholm + Gotland").exists():
        division_create(
            actor=DEMO_ACTOR,
            name="Stockholm + Gotland",
            counties=County.objects.filter(code__in=["01", "09"]),
            description="Indelningskommitténs första skiss till en större region: Stockholms och Gotlands län.",
        )
    return bodies


def _load_people(bodies: dict[str, Organisation]) -> list[tuple[str, User]]:
    people = []
    for email, first, last, org_key, role, label in PEOPLE:
        organisation = bodies.get(org_key) or Organisation.objects.get(municipality_code=org_key)
        user = User.objects.filter(email__iexact=email).first() or user_create(
            actor=DEMO_ACTOR, email=email, first_name=first, last_name=last
        )
        if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
            membership_add(actor=DEMO_ACTOR, user=user, organisation=organisation, role=role)
        people.append((f"{label}: {user.get_full_name()} <{email}>", user))
    return people


def _administrator() -> User:
    """A platform administrator (Django admin). Logs in by link like everyone else in the demo."""
    email = "admin@samrad.example"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_create(actor=DEMO_ACTOR, email=email, first_name="Demo", last_name="Administratör", is_staff=True)
        User.objects.filter(pk=user.pk).update(is_superuser=True)
        audit_record(
            actor=DEMO_ACTOR, action="accounts.superuser_granted", target=user, changes={"is_superuser": [False, True]}
        )
    return user


def demo_load(*, stdout: IO[str] | Any = None) -> list[tuple[str, str]]:
    """Load the demo content; return (label, login link) for each demo person."""

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    with transaction.atomic():
        bodies = _load_register(say)
        people = _load_people(bodies)
        users = {email: user for (email, *_rest), (_label, user) in zip(PEOPLE, people, strict=True)}
        consultation = consultation_demo_load(
            coordinator=users["karin.lindqvist@ksl.example"],
            respondents={
                "0126": users["erik.nystrom@huddinge.example"],
                "0188": users["sara.holm@norrtalje.example"],
            },
        )
        say(f"Open consultation: {consultation.reference_number} {consultation.title}")
        closed = consultation_closed_demo_load(coordinator=users["karin.lindqvist@ksl.example"])
        say(f"Closed consultation, to analyse and compile: {closed.reference_number} {closed.title}")
        dialogue_demo_load(actor=DEMO_ACTOR)
        library_demo_load(actor=DEMO_ACTOR)
        people.append(("Administrator (Django admin at /admin/): admin@samrad.example", _administrator()))
    say(f"Organisations in the register: {Organisation.objects.count()}")
    links = [(label, login_link_url(user)) for label, user in people]
    return [*links, *_registry_links(consultation)]


# Municipalities known only by their registry address, as most are: the demo prints the link their registry
# would find in its invitation (valid until the deadline), to pass the consultation on to a colleague or answer.
REGISTRY_DEMO_CODES = ["0183"]  # Sundbyberg: nobody there has an account


def _registry_links(consultation: Consultation) -> list[tuple[str, str]]:
    links = []
    for code in REGISTRY_DEMO_CODES:
        organisation = Organisation.objects.get(municipality_code=code)
        link = registry_login_link(
            organisation,
            next_url=reverse("consultations:pass_on", args=[consultation.pk, organisation.pk]),
            valid_until=consultation.deadline,
        )
        if link is not None:
            label = f"Registry only (registratur), {organisation.name}: {organisation.registry_email}"
            links.append((f"{label} — valid until the last day to answer", link))
    return links
