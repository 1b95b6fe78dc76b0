"""Factories for answers (drafts and their answers). They write rows directly, without audit events: use the
services in responses.py when a test is about the change itself. Submissions are only made by the services."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import Answer, Response, Stance
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

__all__ = ["AnswerFactory", "ResponseFactory", "member_of", "pdf_file", "pdf_upload"]


class ResponseFactory(factory.django.DjangoModelFactory):
    """An organisation's draft on the platform."""

    class Meta:
        model = Response

    consultation = factory.SubFactory(ConsultationFactory, open=True)
    organisation = factory.SubFactory(OrganisationFactory)
    channel = Response.Channel.PLATFORM


class AnswerFactory(factory.django.DjangoModelFactory):
    """A saved answer (version 1) to a question of the response's consultation."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.LazyAttribute(lambda answer: QuestionFactory.create(consultation=answer.response.consultation))
    stance = Stance.SUPPORT
    text = "Vi tillstyrker förslaget."
    version = 1
    updated_at = factory.LazyFunction(timezone.now)


def member_of(organisation: Organisation, *, role: str = Membership.Role.RESPONDENT, **fields: object) -> User:
    """A new person who answers for `organisation` (or coordinates for it, with role=COORDINATOR)."""
    user = UserFactory.create(**fields)
    MembershipFactory.create(user=user, organisation=organisation, role=role)
    return user


def pdf_file(text: str = "Protokollsutdrag: Kommunstyrelsen 2026-10-12 § 143") -> io.BytesIO:
    return io.BytesIO(make_pdf(text))


def pdf_upload(name: str = "protokollsutdrag.pdf", text: str = "Protokollsutdrag") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(text), content_type="application/pdf")
