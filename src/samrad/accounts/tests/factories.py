"""Factories for people and memberships. They write rows directly (no audit events): use the services when a
test is about the change itself."""

import factory
from factory.django import DjangoModelFactory, Password

from samrad.accounts.models import Membership, User
from samrad.organisations.tests.factories import OrganisationFactory

__all__ = ["PASSWORD", "MembershipFactory", "OrganisationFactory", "UserFactory"]

# The password every UserFactory user has (long enough for the password validators).
PASSWORD = "grön-remiss-2026-lösen"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    username = factory.LazyAttribute(lambda o: o.email.lower())
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Andersson {n}")
    password = Password(PASSWORD)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.RESPONDENT
