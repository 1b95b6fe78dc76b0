"""factory_boy factories for consultations. They write rows directly (no audit events, no e-mail): use the
services when a test is about the change itself.

    consultation = ConsultationFactory.create()                       # a draft with one sending organisation
    consultation = ConsultationFactory.create(open=True)              # open now, deadline in 100 days
    consultation = ConsultationFactory.create(senders=[region, ksl])  # co-senders, in this order
    QuestionFactory.create(consultation=consultation)                 # a stance question
    ReferralFactory.create(consultation=consultation, invited=True)   # on the list, invited now
"""

import datetime as dt
from typing import cast

import factory
from django.utils import timezone

from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import (
    Consultation,
    ConsultationSender,
    ExtensionRequest,
    Question,
    Referral,
    ReminderSent,
)
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

__all__ = [
    "ConsultationFactory",
    "ExtensionRequestFactory",
    "QuestionFactory",
    "ReferralFactory",
    "ReminderSentFactory",
    "deadline_in",
]


def deadline_in(days: int) -> dt.datetime:
    """The end of the day (Europe/Stockholm) `days` days from today: how the pages set deadlines."""
    return end_of_day(local_date(timezone.now()) + dt.timedelta(days=days))


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A draft consultation, deadline 100 days ahead, with one sending organisation (a region) unless
    `senders=[...]` is given. `open=True` makes it open since now; `closed=True` closed with a past deadline."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    class Params:
        open = factory.Trait(
            status=Consultation.Status.OPEN,
            opens_at=factory.LazyFunction(timezone.now),
            opened_at=factory.LazyFunction(timezone.now),
        )
        closed = factory.Trait(
            status=Consultation.Status.CLOSED,
            deadline=factory.LazyFunction(lambda: deadline_in(-1)),
            opens_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=100)),
            opened_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=100)),
            closed_at=factory.LazyFunction(timezone.now),
        )

    title = factory.Sequence(lambda n: f"Remiss {n}: Regional utvecklingsplan")
    summary = "Förslag till regional utvecklingsplan för Stockholmsregionen."
    body = "Region Stockholm remitterar förslaget till kommunerna i länet."
    reference_number = factory.Sequence(lambda n: f"TEST {2026}/{n:05d}")
    status = Consultation.Status.DRAFT
    deadline = factory.LazyFunction(lambda: deadline_in(100))
    reminder_days = factory.LazyFunction(lambda: [14, 3])
    is_public = False

    @factory.post_generation
    def senders(self, create: bool, extracted: list[Organisation] | None, **kwargs: object) -> None:
        if not create:
            return
        consultation = cast(Consultation, self)
        organisations = extracted
        if organisations is None:
            organisations = [
                OrganisationFactory.create(
                    kind=Organisation.Kind.REGION,
                    name=f"Region {consultation.pk}",
                    municipality_code=None,
                    population=None,
                )
            ]
        for order, organisation in enumerate(organisations):
            ConsultationSender.objects.create(consultation=consultation, organisation=organisation, order=order)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    consultation = factory.SubFactory(ConsultationFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Vad anser ni om förslaget i avsnitt {n}?")
    kind = Question.Kind.STANCE
    section = ""


class ReferralFactory(factory.django.DjangoModelFactory):
    """A body on the referral list. `invited=True` sets invited_at to now (as if the invitation was sent)."""

    class Meta:
        model = Referral

    class Params:
        invited = factory.Trait(invited_at=factory.LazyFunction(timezone.now))

    consultation = factory.SubFactory(ConsultationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Referral.Status.INVITED


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    """A pending request for more time, 30 days after the consultation's deadline."""

    class Meta:
        model = ExtensionRequest

    referral = factory.SubFactory(ReferralFactory)
    requested_deadline = factory.LazyAttribute(
        lambda request: end_of_day(local_date(request.referral.consultation.deadline) + dt.timedelta(days=30))
    )
    reason = "Kommunstyrelsen sammanträder först efter svarsdatum."
    requested_at = factory.LazyFunction(timezone.now)


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderSent

    referral = factory.SubFactory(ReferralFactory)
    key = factory.Sequence(lambda n: f"manual-test-{n}")
    sent_at = factory.LazyFunction(timezone.now)


def sender_rows(*rows: Organisation | dict[str, object], initial: int = 0) -> dict[str, object]:
    """The consultation form's senders' rows as POST data: an organisation, or a dict of a row's fields
    ("organisation" plus e.g. "case_number", "DELETE"). `initial`: how many rows the page showed filled."""
    data: dict[str, object] = {
        "senders-TOTAL_FORMS": str(len(rows)),
        "senders-INITIAL_FORMS": str(initial),
        "senders-MIN_NUM_FORMS": "0",
        "senders-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        fields = {"organisation": row} if isinstance(row, Organisation) else dict(row)
        for name, value in fields.items():
            if isinstance(value, Organisation):
                value = value.pk
            data[f"senders-{index}-{name}"] = value
    return data
