"""The referral body's status as data: every move through one locked, audited service with a history row."""

import pytest

from samrad.audit.models import AuditEvent
from samrad.consultations import responses
from samrad.consultations.models import Referral, ReferralStatusChange
from samrad.consultations.referral_lifecycle import (
    TRANSITIONS,
    ReferralTransitionError,
    referral_may_move,
    referral_transition,
)
from samrad.consultations.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
Status = Referral.Status


@pytest.fixture
def referral(make_consultation, municipality):
    return ReferralFactory.create(
        consultation=make_consultation(open=True, questions=1), organisation=municipality, invited=True
    )


def test_every_status_has_its_moves_declared():
    assert set(TRANSITIONS) == set(Status.values)
    assert not TRANSITIONS[Status.SUBMITTED], "a submitted answer is corrected by a new submission, not a status"
    assert referral_may_move(Status.DECLINED, Status.SUBMITTED), "a body that declined may still answer"
    assert not referral_may_move(Status.DRAFTING, Status.OPENED)


def test_a_move_writes_history_and_audit(referral, respondent):
    assert referral_transition(actor=respondent, referral=referral, to_status=Status.OPENED)
    referral.refresh_from_db()
    assert referral.status == Status.OPENED
    change = ReferralStatusChange.objects.get(referral=referral)
    assert (change.from_status, change.to_status, change.actor) == (Status.INVITED, Status.OPENED, respondent)
    event = AuditEvent.objects.filter(action="referral.opened").get()
    assert event.changes["status"] == [Status.INVITED, Status.OPENED]


def test_an_illegal_move_is_refused_and_changes_nothing(referral, respondent):
    referral_transition(actor=respondent, referral=referral, to_status=Status.SUBMITTED)
    with pytest.raises(ReferralTransitionError):
        referral_transition(actor=respondent, referral=referral, to_status=Status.DRAFTING)
    assert not referral_transition(actor=respondent, referral=referral, to_status=Status.DRAFTING, only_if_allowed=True)
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert ReferralStatusChange.objects.filter(referral=referral).count() == 1


def test_the_respondents_journey_leaves_a_complete_history(referral, respondent):
    responses.referral_mark_opened(actor=respondent, referral=referral)
    responses.referral_mark_opened(actor=respondent, referral=referral)  # a second visit is only activity
    response = responses.response_get_or_create_draft(
        actor=respondent, consultation=referral.consultation, organisation=referral.organisation
    )
    question = referral.consultation.questions.get()
    responses.answer_save(
        actor=respondent, response=response, question=question, stance="support", text="Ja.", base_version=0
    )
    responses.response_submit(actor=respondent, response=response)
    moves = list(ReferralStatusChange.objects.filter(referral=referral).values_list("from_status", "to_status"))
    assert moves == [
        (Status.INVITED, Status.OPENED),
        (Status.OPENED, Status.DRAFTING),
        (Status.DRAFTING, Status.SUBMITTED),
    ]
    referral.refresh_from_db()
    assert referral.answered_at is not None and referral.opened_at is not None


def test_declining_is_a_move_with_its_reason(referral, respondent):
    responses.response_decline(actor=respondent, referral=referral, reason="Berör oss inte.")
    change = ReferralStatusChange.objects.get(referral=referral)
    assert (change.to_status, change.note) == (Status.DECLINED, "Berör oss inte.")
    referral.refresh_from_db()
    assert referral.decline_reason == "Berör oss inte."
