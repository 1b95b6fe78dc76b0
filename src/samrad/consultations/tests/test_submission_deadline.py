"""Submitting at the deadline: the last second of the day in Stockholm is in time, the next one is not, also in
the week the clocks change; an organisation's extension counts. `now=` is passed to the services, so the tests
neither sleep nor move the clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from samrad.consultations import responses
from samrad.consultations.deadlines import end_of_day
from samrad.consultations.models import Answer, Referral, Submission
from samrad.consultations.responses import ResponseError
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


@pytest.fixture
def answer_by(make_consultation, municipality, respondent):
    """A draft with one answer to a consultation whose last day is `day`; returns (response, referral)."""

    def make(day: dt.date):
        consultation = make_consultation(open=True, deadline=end_of_day(day))
        referral = ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)
        response = responses.response_get_or_create_draft(
            actor=respondent, consultation=consultation, organisation=municipality
        )
        question = consultation.questions.get()
        responses.answer_save(
            actor=respondent,
            response=response,
            question=question,
            stance="support",
            text="Vi tillstyrker.",
            base_version=0,
        )
        return response, referral

    return make


def _refused_and_kept(respondent, response, referral, now):
    with pytest.raises(ResponseError) as refused:
        responses.response_submit(actor=respondent, response=response, now=now)
    assert not Submission.objects.filter(response=response).exists()
    assert Answer.objects.get(response=response).text == "Vi tillstyrker.", "the draft is kept"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING
    return refused.value.message


def test_the_last_second_of_31_october_is_in_time(respondent, answer_by):
    response, referral = answer_by(dt.date(2026, 10, 31))
    submission = responses.response_submit(actor=respondent, response=response, now=local(2026, 10, 31, 23, 59, 59))
    assert submission.submitted_at == local(2026, 10, 31, 23, 59, 59)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_midnight_after_31_october_is_too_late(respondent, answer_by):
    response, referral = answer_by(dt.date(2026, 10, 31))
    message = _refused_and_kept(respondent, response, referral, local(2026, 11, 1, 0, 0, 0))
    assert "31 oktober 2026 kl. 23.59" in message
    assert "utkast finns kvar" in message


def test_the_week_the_clocks_go_back(respondent, answer_by):
    """Summer time ends at 03:00 on 25 October 2026, so that day ends at 23:59:59 CET (22:59:59 UTC), not CEST."""
    response, _referral = answer_by(dt.date(2026, 10, 25))
    late_evening_utc = dt.datetime(2026, 10, 25, 22, 30, tzinfo=dt.UTC)  # 23:30 in Stockholm
    responses.response_submit(actor=respondent, response=response, now=late_evening_utc)
    assert local(2026, 10, 25, 23, 59, 59).utcoffset() == dt.timedelta(hours=1)
    responses.response_submit(actor=respondent, response=response, now=local(2026, 10, 25, 23, 59, 59))
    assert response.submissions.count() == 2

    other_response, other_referral = answer_by(dt.date(2026, 10, 25))
    message = _refused_and_kept(respondent, other_response, other_referral, local(2026, 10, 26, 0, 0, 0))
    assert "25 oktober 2026 kl. 23.59" in message


def test_the_week_the_clocks_go_forward(respondent, answer_by):
    """Summer time starts at 02:00 on 29 March 2026; the last day, 31 March, ends at 23:59:59 CEST."""
    response, _referral = answer_by(dt.date(2026, 3, 31))
    responses.response_submit(
        actor=respondent, response=response, now=dt.datetime(2026, 3, 31, 21, 59, 59, tzinfo=dt.UTC)
    )
    other_response, other_referral = answer_by(dt.date(2026, 3, 31))
    _refused_and_kept(respondent, other_response, other_referral, dt.datetime(2026, 3, 31, 22, 0, 0, tzinfo=dt.UTC))


def test_an_extension_lets_that_organisation_submit_later(respondent, answer_by, make_consultation):
    response, referral = answer_by(dt.date(2026, 10, 31))
    Referral.objects.filter(pk=referral.pk).update(deadline_override=end_of_day(dt.date(2026, 11, 15)))
    submission = responses.response_submit(actor=respondent, response=response, now=local(2026, 11, 15, 23, 59, 59))
    assert submission.number == 1

    # A neighbour on the same list without an extension is refused on the same day.
    consultation = response.consultation
    neighbour_referral = ReferralFactory.create(consultation=consultation, invited=True)
    neighbour = member_of(neighbour_referral.organisation)
    neighbour_response = responses.response_get_or_create_draft(
        actor=neighbour, consultation=consultation, organisation=neighbour_referral.organisation
    )
    responses.answer_save(
        actor=neighbour,
        response=neighbour_response,
        question=consultation.questions.get(),
        stance="oppose",
        text="Nej.",
        base_version=0,
    )
    with pytest.raises(ResponseError):
        responses.response_submit(actor=neighbour, response=neighbour_response, now=local(2026, 11, 2, 12, 0))


def test_after_the_extension_it_is_too_late_again(respondent, answer_by):
    response, referral = answer_by(dt.date(2026, 10, 31))
    Referral.objects.filter(pk=referral.pk).update(deadline_override=end_of_day(dt.date(2026, 11, 15)))
    message = _refused_and_kept(respondent, response, referral, local(2026, 11, 16, 0, 0, 0))
    assert "15 november 2026 kl. 23.59" in message


def test_an_unsolicited_answer_has_the_consultations_deadline(make_consultation):
    consultation = make_consultation(open=True, deadline=end_of_day(dt.date(2026, 10, 31)))
    outsider = OrganisationFactory.create()
    person = member_of(outsider)
    response = responses.response_get_or_create_draft(actor=person, consultation=consultation, organisation=outsider)
    responses.answer_save(
        actor=person,
        response=response,
        question=consultation.questions.get(),
        stance="",
        text="Synpunkt.",
        base_version=0,
    )
    with pytest.raises(ResponseError):
        responses.response_submit(actor=person, response=response, now=local(2026, 11, 1, 0, 0, 0))
    submission = responses.response_submit(actor=person, response=response, now=local(2026, 10, 31, 23, 59, 59))
    assert submission.response.is_unsolicited
