"""Invitations on opening and on later additions: who gets what, the login links, the calendar file, and that
nobody is invited twice."""

import base64
import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from samrad.accounts.login_links import login_link_user
from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.consultations import services
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.extensions import extension_grant_direct
from samrad.consultations.invitations import invitations_send_batch
from samrad.consultations.models import Referral
from samrad.consultations.referrals import referral_add
from samrad.consultations.tests.factories import ReferralFactory
from samrad.documents.tests.samples import make_pdf
from samrad.notifications.delivery import deliver
from samrad.notifications.models import OutboundEmail
from samrad.organisations.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def calendar_of(message: OutboundEmail) -> Calendar:
    [attachment] = [a for a in message.attachments if a["filename"].endswith(".ics")]
    assert attachment["content_type"].startswith("text/calendar")
    return Calendar.from_ical(base64.b64decode(attachment["content_b64"]))


def deadline_event(message: OutboundEmail):
    [event] = calendar_of(message).walk("VEVENT")
    return event


@pytest.fixture
def nacka(db):
    """A municipality with a registry address, a member with an account and a contact person without one."""
    organisation = OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")
    member = UserFactory.create(email="anna@nacka.example.se")
    MembershipFactory.create(user=member, organisation=organisation, role=Membership.Role.RESPONDENT)
    ContactPersonFactory.create(organisation=organisation, name="Karin Berg", email="karin.berg@nacka.example.se")
    return organisation


def test_opening_invites_the_registry_and_each_person_with_a_personal_link(
    draft, coordinator, nacka, region, send_invitations
):
    services.document_add(
        actor=coordinator,
        consultation=draft,
        title="Remissförslag",
        stream=io.BytesIO(make_pdf("x")),
        filename="forslag.pdf",
    )
    referral = ReferralFactory.create(consultation=draft, organisation=nacka)

    services.consultation_open(actor=coordinator, consultation=draft)
    send_invitations(draft)

    referral.refresh_from_db()
    assert referral.invited_at is not None
    messages = {message.to[0]: message for message in OutboundEmail.objects.all()}
    assert sorted(messages) == ["anna@nacka.example.se", "karin.berg@nacka.example.se", "registrator@nacka.example.se"]
    respond_path = reverse("consultations:respond", args=[draft.pk, nacka.pk])
    for message in messages.values():
        assert draft.reference_number in message.subject
        assert message.category == "consultations.invitation"
        assert message.reply_to == [region.registry_email]
        assert "Remissförslag" in message.body_text
        document = draft.documents.get()
        assert reverse("consultations:document", args=[draft.pk, document.pk]) in message.body_text
        assert reverse("consultations:detail", args=[draft.pk]) in message.body_text
        assert draft.title in message.body_html

    registry = messages["registrator@nacka.example.se"]
    # The registry's copy says truthfully who has personal links, and carries the mailbox's own grant link (valid
    # until the deadline) to the page where it passes the consultation on.
    assert "Personliga inloggningslänkar" in registry.body_text
    assert "karin.berg@nacka.example.se" not in registry.to
    registry_link = next(word for word in registry.body_text.split() if "sesame=" in word)
    registry_query = parse_qs(urlsplit(registry_link).query)
    assert registry_query["next"] == [reverse("consultations:pass_on", args=[draft.pk, nacka.pk])]
    registry_user = login_link_user(registry_query["sesame"][0], grant=registry_query["grant"][0])
    assert registry_user is not None and registry_user.email == "registrator@nacka.example.se"
    assert Membership.objects.get(user=registry_user).role == Membership.Role.REGISTRY

    personal = messages["anna@nacka.example.se"]
    link = next(word for word in personal.body_text.split() if "sesame=" in word)
    query = parse_qs(urlsplit(link).query)
    assert query["next"] == [respond_path]
    assert login_link_user(query["sesame"][0]).email == "anna@nacka.example.se"

    # The contact person had no account: one was made (audited), with a respondent membership at Nacka.
    karin = User.objects.get(email="karin.berg@nacka.example.se")
    assert (karin.first_name, karin.last_name) == ("Karin", "Berg")
    assert Membership.objects.get(user=karin).organisation == nacka
    assert Membership.objects.get(user=karin).role == Membership.Role.RESPONDENT
    assert AuditEvent.objects.filter(action="accounts.user_created", object_id=str(karin.pk)).exists()
    assert AuditEvent.objects.filter(action="accounts.membership_added").exists()
    # Both personal recipients are named to the registry.
    assert "anna@nacka.example.se" in registry.body_text or "Anna" in registry.body_text
    assert "Karin Berg" in registry.body_text
    karins_link = next(w for w in messages["karin.berg@nacka.example.se"].body_text.split() if "sesame=" in w)
    assert login_link_user(parse_qs(urlsplit(karins_link).query)["sesame"][0]) == karin
    assert AuditEvent.objects.filter(action="consultation.invitations_sent").count() == 1


def next_clock_change(month: int) -> dt.date:
    """The next last Sunday of `month` (March: clocks go forward; October: back) at least a week ahead."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        day = dt.date(year, month, 31)
        day -= dt.timedelta(days=(day.weekday() + 1) % 7)
        if day > today + dt.timedelta(days=7):
            return day
    raise AssertionError("unreachable")


@pytest.mark.parametrize(("month", "offset_hours"), [(3, 2), (10, 1)])
def test_the_calendar_file_holds_the_deadline_in_stockholm_time(
    make_consultation, coordinator, nacka, month, offset_hours, send_invitations
):
    day = next_clock_change(month)
    consultation = make_consultation(deadline=end_of_day(day))
    ReferralFactory.create(consultation=consultation, organisation=nacka)

    services.consultation_open(actor=coordinator, consultation=consultation)
    send_invitations(consultation)

    message = OutboundEmail.objects.get(to=["registrator@nacka.example.se"])
    calendar = calendar_of(message)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    event = deadline_event(message)
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute, start.second) == (day, 23, 59, 59)
    assert start.utcoffset() == dt.timedelta(hours=offset_hours)  # the day the clocks change
    assert start == end_of_day(day).replace(microsecond=0)
    assert str(event["UID"]) == f"consultation-{consultation.pk}-organisation-{nacka.pk}@samrad.localhost"
    assert int(event["SEQUENCE"]) >= 0
    # Every copy of the invitation carries the same event.
    uids = {str(deadline_event(m)["UID"]) for m in OutboundEmail.objects.all()}
    assert uids == {str(event["UID"])}


def test_an_extension_sends_the_same_event_with_a_higher_sequence(
    open_consultation, coordinator, nacka, send_invitations
):
    referral_add(actor=coordinator, consultation=open_consultation, organisations=[nacka])
    send_invitations(open_consultation)
    invitation = deadline_event(OutboundEmail.objects.get(to=["registrator@nacka.example.se"]))
    referral = Referral.objects.get(consultation=open_consultation, organisation=nacka)
    new_day = local_date(open_consultation.deadline) + dt.timedelta(days=14)

    extension_grant_direct(actor=coordinator, referral=referral, deadline=new_day, note="")

    decision = OutboundEmail.objects.get(category="consultations.extension_decision")
    event = deadline_event(decision)
    assert str(event["UID"]) == str(invitation["UID"])
    assert int(event["SEQUENCE"]) > int(invitation["SEQUENCE"])
    assert event.decoded("DTSTART") == end_of_day(new_day).replace(microsecond=0)


def test_nobody_is_invited_twice(open_consultation, coordinator, nacka, send_invitations):
    referral_add(actor=coordinator, consultation=open_consultation, organisations=[nacka])
    send_invitations(open_consultation)
    count = OutboundEmail.objects.count()
    assert count == 3

    send_invitations(open_consultation)  # a batch run again finds nobody left
    assert OutboundEmail.objects.count() == count
    Referral.objects.filter(consultation=open_consultation).update(invited_at=None)  # as if the mark was lost
    invitations_send_batch(consultation_id=open_consultation.pk)
    invitations_send_batch(consultation_id=open_consultation.pk)

    assert OutboundEmail.objects.count() == count  # the outbox dedupe keys hold


def test_a_body_nobody_can_be_reached_at_is_marked_and_tried_again_on_the_next_addition(
    open_consultation, coordinator, nacka, send_invitations
):
    silent = OrganisationFactory.create(registry_email="")
    [added] = referral_add(actor=coordinator, consultation=open_consultation, organisations=[silent])
    assert added.invited_at is None
    result = invitations_send_batch(consultation_id=open_consultation.pk)
    assert result.unreachable == [added.pk] and result.invited == [] and result.remaining == 0
    added.refresh_from_db()
    assert added.invited_at is None and added.unreachable_at is not None
    assert OutboundEmail.objects.count() == 0
    assert invitations_send_batch(consultation_id=open_consultation.pk).processed == 0  # not tried again and again

    ContactPersonFactory.create(organisation=silent, email="nu@tyst.example.se")
    referral_add(actor=coordinator, consultation=open_consultation, organisations=[nacka])  # invitations start again
    send_invitations(open_consultation)

    added.refresh_from_db()
    assert added.invited_at is not None and added.unreachable_at is None
    assert OutboundEmail.objects.filter(to=["nu@tyst.example.se"]).count() == 1


def test_nothing_is_queued_before_commit_and_nothing_at_all_after_a_rollback(
    open_consultation, coordinator, nacka, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        referral_add(actor=coordinator, consultation=open_consultation, organisations=[nacka])
        assert not DBTaskResult.objects.exists()
        raise Abort
    assert callbacks == []
    assert not DBTaskResult.objects.exists()
    assert OutboundEmail.objects.count() == 0
    assert not Referral.objects.filter(consultation=open_consultation).exists()

    with django_capture_on_commit_callbacks(execute=True):
        referral_add(actor=coordinator, consultation=open_consultation, organisations=[nacka])
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "samrad.consultations.tasks.send_invitation_batch"
    assert queued.args_kwargs["args"] == [open_consultation.pk]


def test_the_invitation_is_delivered_with_its_calendar_file(open_consultation, coordinator, nacka, send_invitations):
    referral_add(actor=coordinator, consultation=open_consultation, organisations=[nacka])
    send_invitations(open_consultation)
    message = OutboundEmail.objects.get(to=["registrator@nacka.example.se"])

    deliver(message.pk)

    [sent] = mail.outbox
    assert sent.to == ["registrator@nacka.example.se"]
    [(filename, content, mimetype)] = sent.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    assert b"BEGIN:VEVENT" in (content if isinstance(content, bytes) else content.encode())
    assert settings.SITE_URL in sent.body
