"""Fixtures for the knowledge base and search tests: a sending region with its coordinator, two municipalities
with a respondent each, and helpers that make consultations and submitted answers through the real services."""

import io
from collections.abc import Callable
from typing import Any

import pytest

from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations import responses
from samrad.consultations.models import Consultation, Submission
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.documents.services import stored_file_extract_text
from samrad.documents.tests import samples
from samrad.library.models import LibraryDocument
from samrad.library.services import library_document_create
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory


@pytest.fixture
def region(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )


@pytest.fixture
def coordinator(region: Organisation) -> User:
    user = UserFactory.create(email="handlaggare@regionstockholm.example.se")
    MembershipFactory.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def other_coordinator(db: None) -> User:
    """A coordinator at another sending body: runs none of Region Stockholm's consultations."""
    other = OrganisationFactory.create(
        kind=Organisation.Kind.ASSOCIATION, name="Kommunförbundet", municipality_code=None, population=None
    )
    user = UserFactory.create(email="handlaggare@ksl.example.se")
    MembershipFactory.create(user=user, organisation=other, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def nacka(db: None) -> Organisation:
    return OrganisationFactory.create(name="Nacka kommun")


@pytest.fixture
def solna(db: None) -> Organisation:
    return OrganisationFactory.create(name="Solna stad")


def _respondent(organisation: Organisation, email: str) -> User:
    user = UserFactory.create(email=email)
    MembershipFactory.create(user=user, organisation=organisation, role=Membership.Role.RESPONDENT)
    return user


@pytest.fixture
def nacka_person(nacka: Organisation) -> User:
    return _respondent(nacka, "svar@nacka.example.se")


@pytest.fixture
def solna_person(solna: Organisation) -> User:
    return _respondent(solna, "svar@solna.example.se")


@pytest.fixture
def make_consultation(region: Organisation) -> Callable[..., Consultation]:
    """A consultation sent by Region Stockholm with the given questions; other keywords go to the factory."""

    def make(*, questions: tuple[str, ...] = ("Vad anser ni om förslaget?",), **fields: Any) -> Consultation:
        consultation = ConsultationFactory.create(senders=[region], **fields)
        for text in questions:
            QuestionFactory.create(consultation=consultation, text=text)
        return consultation

    return make


@pytest.fixture
def submit_answer() -> Callable[..., Submission]:
    """Answer every question of `consultation` for the person's organisation with `text` and submit it through
    the services; `keep_draft` then saves newer, unsubmitted text on top."""

    def submit(
        person: User, consultation: Consultation, text: str, *, keep_draft: str = "", attachment: bytes | None = None
    ) -> Submission:
        organisation = person.organisations.get()
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        response = responses.response_get_or_create_draft(
            actor=person, consultation=consultation, organisation=organisation
        )
        questions = list(consultation.questions.all())
        for question in questions:
            responses.answer_save(
                actor=person, response=response, question=question, stance="support", text=text, base_version=0
            )
        if attachment is not None:
            added = responses.attachment_add(
                actor=person, response=response, stream=io.BytesIO(attachment), filename="beslut.pdf", kind="decision"
            )
            stored_file_extract_text(stored_file=added.file)
        submission = responses.response_submit(actor=person, response=response)
        if keep_draft:
            responses.answer_save(
                actor=person, response=response, question=questions[0], stance="oppose", text=keep_draft, base_version=1
            )
        return submission

    return submit


@pytest.fixture
def add_library_document() -> Callable[..., LibraryDocument]:
    """A knowledge-base document added by the system, its file's text extracted."""

    def add(title: str, *, pages: tuple[str, ...] = (), **fields: Any) -> LibraryDocument:
        if pages:
            fields.update(file_stream=io.BytesIO(samples.make_pdf(*pages)), file_name=f"{title[:40]}.pdf")
        else:
            fields.setdefault("url", "https://www.example.se/underlag")
        document = library_document_create(actor="test", title=title, **fields)
        if document.file is not None:
            stored_file_extract_text(stored_file=document.file)
        return document

    return add
