"""Fixtures for the register's tests: people in each role, and the shipped register imported."""

import pytest

from samrad.accounts.models import Membership, User
from samrad.organisations.importing import default_register_path, import_register_file
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory


@pytest.fixture
def coordinator(db) -> User:
    """A handläggare at Region Stockholm (a coordinator by membership, not a Django staff user)."""
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )
    user = User.objects.create_user(
        username="handlaggare", email="handlaggare@regionstockholm.example.se", first_name="Hanna", last_name="Lägg"
    )
    Membership.objects.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def respondent(db) -> User:
    """A person who answers consultations for a municipality: may not curate the register."""
    municipality = OrganisationFactory.create(name="Testkommun")
    user = User.objects.create_user(username="svarande", email="svarande@testkommun.example.se")
    Membership.objects.create(user=user, organisation=municipality, role=Membership.Role.RESPONDENT)
    return user


@pytest.fixture
def register(db):
    """Stockholm County's 26 municipalities and Gotland, imported from the shipped file."""
    result = import_register_file(default_register_path())
    assert result.ok, result.problems
    return result
