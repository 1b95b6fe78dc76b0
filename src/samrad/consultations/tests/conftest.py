"""Fixtures for the consultation tests: a sending region with its coordinator, a municipality with its
respondent, and consultations run by that coordinator."""

from collections.abc import Callable
from typing import Any

import pytest

from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import Consultation
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory


@pytest.fixture
def region(db: None) -> Organisation:
    """The sending body."""
    return OrganisationFactory.create(
        kind=Organisation.Kind.REGION,
        name="Region Stockholm",
        municipality_code=None,
        population=None,
        registry_email="registrator@regionstockholm.example.se",
    )


@pytest.fixture
def coordinator(region: Organisation) -> User:
    """A handläggare at Region Stockholm: runs the region's consultations."""
    user = UserFactory.create(email="handlaggare@regionstockholm.example.se", first_name="Hanna", last_name="Lägg")
    MembershipFactory.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def other_coordinator(db: None) -> User:
    """A coordinator at another sending body: must see nothing of Region Stockholm's consultations."""
    other = OrganisationFactory.create(
        kind=Organisation.Kind.ASSOCIATION, name="Kommunförbundet", municipality_code=None, population=None
    )
    user = UserFactory.create(email="handlaggare@ksl.example.se")
    MembershipFactory.create(user=user, organisation=other, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def municipality(db: None) -> Organisation:
    return OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")


@pytest.fixture
def respondent(municipality: Organisation) -> User:
    """A person who answers for Nacka kommun."""
    user = UserFactory.create(email="svarande@nacka.example.se", first_name="Sven", last_name="Svar")
    MembershipFactory.create(user=user, organisation=municipality, role=Membership.Role.RESPONDENT)
    return user


@pytest.fixture
def make_consultation(region: Organisation) -> Callable[..., Consultation]:
    """A consultation sent by Region Stockholm (so `coordinator` runs it), with one question unless
    `questions=0`. Other keyword arguments go to ConsultationFactory (e.g. open=True, deadline=...)."""

    def make(*, questions: int = 1, **fields: Any) -> Consultation:
        consultation = ConsultationFactory.create(senders=[region], **fields)
        for _ in range(questions):
            QuestionFactory.create(consultation=consultation)
        return consultation

    return make


@pytest.fixture
def draft(make_consultation: Callable[..., Consultation]) -> Consultation:
    return make_consultation()


@pytest.fixture
def open_consultation(make_consultation: Callable[..., Consultation]) -> Consultation:
    return make_consultation(open=True)


@pytest.fixture
def send_invitations() -> Callable[..., int]:
    """send_invitations(consultation): run the consultation's invitation batches in this process, one after the
    other as the queued task `send_invitation_batch` would, until every body is done; returns the number of
    batches. (Tests that need the task queue itself use run_queued_tasks or the task_worker fixture.)"""
    from samrad.consultations.invitations import INVITATION_BATCH_SIZE, invitations_send_batch

    def run(consultation: Consultation, *, batch_size: int = INVITATION_BATCH_SIZE) -> int:
        batches = 0
        while True:
            result = invitations_send_batch(consultation_id=consultation.pk, limit=batch_size)
            batches += 1
            if not result.processed or not result.remaining:
                return batches

    return run
