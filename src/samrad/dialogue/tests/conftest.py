"""Fixtures for the dialogue tests: the county council and KSL organising, Södertörn and Stockholm Nordost
municipalities with their people, a municipality that is not invited, and a series with meetings."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.dialogue import services
from samrad.dialogue.models import DialogueSeries, Meeting
from samrad.organisations.models import Group, Organisation
from samrad.organisations.tests.factories import GroupFactory, OrganisationFactory


@pytest.fixture
def sll(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=Organisation.Kind.COUNTY_COUNCIL,
        name="Stockholms läns landsting",
        municipality_code=None,
        population=None,
        registry_email="registrator@sll.example.se",
    )


@pytest.fixture
def coordinator(sll: Organisation) -> User:
    user = UserFactory.create(email="anders.berg@sll.example.se", first_name="Anders", last_name="Berg")
    MembershipFactory.create(user=user, organisation=sll, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def sodertorn(db: None) -> Group:
    return GroupFactory.create(name="Södertörn")


@pytest.fixture
def nordost(db: None) -> Group:
    return GroupFactory.create(name="Stockholm Nordost")


@pytest.fixture
def huddinge(sodertorn: Group) -> Organisation:
    return OrganisationFactory.create(
        name="Huddinge", municipality_code="0126", groups=[sodertorn], registry_email="registrator@huddinge.example"
    )


@pytest.fixture
def botkyrka(sodertorn: Group) -> Organisation:
    return OrganisationFactory.create(
        name="Botkyrka", municipality_code="0127", groups=[sodertorn], registry_email="registrator@botkyrka.example"
    )


@pytest.fixture
def norrtalje(nordost: Group) -> Organisation:
    return OrganisationFactory.create(
        name="Norrtälje", municipality_code="0188", groups=[nordost], registry_email="registrator@norrtalje.example"
    )


@pytest.fixture
def solna(db: None) -> Organisation:
    """Not invited to anything."""
    return OrganisationFactory.create(
        name="Solna", municipality_code="0184", registry_email="registrator@solna.example"
    )


@pytest.fixture
def member_of() -> Callable[..., User]:
    """member_of(organisation, email=...) -> a respondent of that organisation."""

    def make(organisation: Organisation, email: str, **fields: Any) -> User:
        user = UserFactory.create(email=email, **fields)
        MembershipFactory.create(user=user, organisation=organisation, role=Membership.Role.RESPONDENT)
        return user

    return make


@pytest.fixture
def erik(huddinge: Organisation, member_of: Callable[..., User]) -> User:
    return member_of(huddinge, "erik.nystrom@huddinge.example", first_name="Erik", last_name="Nyström")


@pytest.fixture
def lina(huddinge: Organisation, member_of: Callable[..., User]) -> User:
    return member_of(huddinge, "lina.ahmadi@huddinge.example", first_name="Lina", last_name="Ahmadi")


@pytest.fixture
def bo(botkyrka: Organisation, member_of: Callable[..., User]) -> User:
    return member_of(botkyrka, "bo.ek@botkyrka.example", first_name="Bo", last_name="Ek")


@pytest.fixture
def sara(norrtalje: Organisation, member_of: Callable[..., User]) -> User:
    return member_of(norrtalje, "sara.holm@norrtalje.example", first_name="Sara", last_name="Holm")


@pytest.fixture
def outsider(solna: Organisation, member_of: Callable[..., User]) -> User:
    return member_of(solna, "olle@solna.example", first_name="Olle", last_name="Utanför")


@pytest.fixture
def series(
    coordinator: User, sll: Organisation, huddinge: Organisation, botkyrka: Organisation, norrtalje: Organisation
) -> DialogueSeries:
    """An invited-only series run by SLL, with Huddinge, Botkyrka and Norrtälje invited."""
    created = services.series_create(
        actor=coordinator,
        title="Regional samverkan",
        purpose="Hur ska kommunerna och regionen arbeta tillsammans?",
        organisers=[sll],
        topics=["Förväntningar", "Organisering"],
    )
    services.series_invite(actor=coordinator, series=created, organisations=[huddinge, botkyrka, norrtalje])
    return created


def at(days: float, hour: int = 9) -> dt.datetime:
    """A local time `days` from today at `hour` o'clock (Europe/Stockholm)."""
    day = timezone.localdate() + dt.timedelta(days=int(days))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def make_meeting(series: DialogueSeries, coordinator: User) -> Callable[..., Meeting]:
    """make_meeting(capacity=..., per_org_cap=..., **fields): a meeting of `series` in ten days, 09–12."""

    def make(**fields: Any) -> Meeting:
        values: dict[str, Any] = {
            "title": "Dialogmöte",
            "starts_at": at(10, 9),
            "ends_at": at(10, 12),
            "place": "Regionens hus, Stockholm",
        }
        values.update(fields)
        return services.meeting_create(actor=coordinator, series=series, **values)

    return make


@pytest.fixture
def meeting(make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting()
