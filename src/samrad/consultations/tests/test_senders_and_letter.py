"""The senders' own case numbers, contact people and signatories; the covering letter (missiv) and its PDF; and
the invitation's preview, built by the same function that sends."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from samrad.accounts.models import User
from samrad.audit.models import AuditEvent
from samrad.consultations import responses, services
from samrad.consultations.deadlines import local_date
from samrad.consultations.extensions import extension_grant_direct
from samrad.consultations.invitations import PREVIEW_LOGIN_LINK, invitation_emails
from samrad.consultations.letters import consultation_letter_set
from samrad.consultations.lifecycle import consultation_transition
from samrad.consultations.models import Consultation, ConsultationSender, Referral, Stance
from samrad.consultations.referrals import referral_add
from samrad.consultations.reminders import reminder_send_manual
from samrad.consultations.tests.factories import ReferralFactory, sender_rows
from samrad.consultations.tests.factories_responses import member_of
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LETTER = "Region Stockholm och KSL remitterar härmed förslaget.\n\nSvara senast på sista svarsdagen."


@pytest.fixture
def ksl(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=Organisation.Kind.ASSOCIATION, name="KSL", municipality_code=None, registry_email="registrator@ksl.example"
    )


@pytest.fixture
def jointly(draft, region, ksl, coordinator):
    """The draft sent jointly by the region and KSL, each under its own case number, with contacts and
    signatories, and a covering letter."""
    services.consultation_set_senders(
        actor=coordinator,
        consultation=draft,
        senders=[
            services.SenderDetails(
                organisation=region,
                case_number="RS 2026/0012",
                contact_name="Hanna Lägg",
                contact_email="hanna.lagg@regionstockholm.example.se",
                contact_phone="08-123 45 67",
                signatory_name="Anna Ordförande",
                signatory_title="Regionstyrelsens ordförande",
            ),
            services.SenderDetails(
                organisation=ksl, case_number="KSL 2026/45", signatory_name="Karl Kansli", signatory_title="Direktör"
            ),
        ],
    )
    consultation_letter_set(actor=coordinator, consultation=draft, letter=LETTER)
    return draft


CASE_NUMBERS = ("RS 2026/0012", "KSL 2026/45")


def _has_case_numbers(text: str) -> bool:
    return all(number in text for number in CASE_NUMBERS)


# --- The senders' details (service) ---------------------------------------------------------------------------


def test_each_sender_keeps_its_own_case_number_contact_and_signatory(jointly, region, ksl):
    links = {link.organisation_id: link for link in ConsultationSender.objects.filter(consultation=jointly)}
    assert links[region.pk].case_number == "RS 2026/0012"
    assert links[region.pk].contact_email == "hanna.lagg@regionstockholm.example.se"
    assert (links[ksl.pk].signatory_name, links[ksl.pk].signatory_title) == ("Karl Kansli", "Direktör")
    event = AuditEvent.objects.filter(action="consultation.senders_changed").latest("pk")
    assert event.changes["senders"][1][0]["case_number"] == "RS 2026/0012"


def test_unchanged_senders_record_nothing(jointly, region, ksl, coordinator):
    before = AuditEvent.objects.filter(action="consultation.senders_changed").count()
    current = [
        services.SenderDetails(
            organisation=link.organisation, **{name: getattr(link, name) for name in services.SENDER_DETAIL_FIELDS}
        )
        for link in jointly.sender_links.select_related("organisation")
    ]
    services.consultation_set_senders(actor=coordinator, consultation=jointly, senders=current)
    assert AuditEvent.objects.filter(action="consultation.senders_changed").count() == before


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"case_number": "x" * 101}, "högst 100 tecken"),
        ({"contact_email": "inte en adress"}, "inte giltig"),
    ],
)
def test_bad_sender_details_are_refused_in_swedish(draft, region, coordinator, details, message):
    with pytest.raises(InvalidInput) as refused:
        services.consultation_set_senders(
            actor=coordinator, consultation=draft, senders=[services.SenderDetails(organisation=region, **details)]
        )
    assert message in refused.value.message
    assert draft.sender_links.get().case_number == ""


def test_a_sender_is_named_once(draft, region, coordinator):
    with pytest.raises(InvalidInput) as refused:
        services.consultation_set_senders(
            actor=coordinator,
            consultation=draft,
            senders=[services.SenderDetails(organisation=region, case_number="1"), region],
        )
    assert "mer än en gång" in refused.value.message


# --- The form's rows ------------------------------------------------------------------------------------------


def _form(consultation: Consultation | None = None, **fields: object) -> dict[str, object]:
    return {"title": "Regional cykelplan", "summary": "", "body": "", "deadline": "2100-01-01", **fields}


def test_the_create_form_takes_rows_of_senders_with_their_case_numbers(client, coordinator, region, ksl):
    client.force_login(coordinator)
    rows = sender_rows(
        {"organisation": region, "case_number": "RS 2026/0099", "contact_name": "Hanna Lägg"},
        {"organisation": ksl, "case_number": "KSL 2026/7", "signatory_name": "Karl Kansli"},
        initial=1,
    )
    response = client.post(reverse("coordination:create"), _form(**rows))
    assert response.status_code == 302
    consultation = Consultation.objects.get(title="Regional cykelplan")
    links = list(consultation.sender_links.order_by("order"))
    assert [(link.organisation_id, link.case_number) for link in links] == [
        (region.pk, "RS 2026/0099"),
        (ksl.pk, "KSL 2026/7"),
    ]
    assert links[0].contact_name == "Hanna Lägg" and links[1].signatory_name == "Karl Kansli"


def test_the_same_sender_twice_is_refused_with_the_input_kept(client, coordinator, region):
    client.force_login(coordinator)
    rows = sender_rows({"organisation": region, "case_number": "A-1"}, {"organisation": region}, initial=1)
    response = client.post(reverse("coordination:create"), _form(**rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Region Stockholm finns med mer än en gång bland avsändarna" in html
    assert 'value="A-1"' in html and 'value="Regional cykelplan"' in html
    assert not Consultation.objects.filter(title="Regional cykelplan").exists()


def test_add_a_sender_gives_an_empty_row_and_saves_nothing(client, coordinator, region, draft):
    client.force_login(coordinator)
    rows = sender_rows({"organisation": region, "case_number": "A-1"}, initial=1)
    response = client.post(reverse("coordination:edit", args=[draft.pk]), _form(**rows, add_sender="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="senders-TOTAL_FORMS" value="2"' in html
    assert 'name="senders-1-organisation"' in html and 'value="A-1"' in html
    draft.refresh_from_db()
    assert draft.title != "Regional cykelplan"
    assert draft.sender_links.get().case_number == ""


def test_a_sender_is_removed_by_its_row(client, coordinator, jointly, region, ksl):
    client.force_login(coordinator)
    edit = reverse("coordination:edit", args=[jointly.pk])
    page = client.get(edit).content.decode()
    assert 'value="RS 2026/0012"' in page and 'value="KSL 2026/45"' in page
    rows = sender_rows(
        {"organisation": region, "case_number": "RS 2026/0012"},
        {"organisation": ksl, "case_number": "KSL 2026/45", "DELETE": "on"},
        initial=2,
    )
    assert client.post(edit, _form(**rows)).status_code == 302
    assert list(jointly.sender_links.values_list("organisation_id", flat=True)) == [region.pk]


def test_no_sender_left_is_refused(client, coordinator, region, draft):
    client.force_login(coordinator)
    rows = sender_rows({"organisation": region, "DELETE": "on"}, initial=1)
    html = client.post(reverse("coordination:edit", args=[draft.pk]), _form(**rows)).content.decode()
    assert "Ange minst en avsändande organisation." in html
    assert draft.sender_links.count() == 1


# --- Pages, API ---------------------------------------------------------------------------------------------


def test_the_pages_show_the_case_numbers_and_the_letter(client, coordinator, jointly):
    client.force_login(coordinator)
    coordinator_page = client.get(reverse("coordination:detail", args=[jointly.pk])).content.decode()
    for html in (coordinator_page,):
        assert "Diarienummer, Region Stockholm" in html and _has_case_numbers(html)
        assert "Missiv" in html and "remitterar härmed förslaget" in html
        assert "Anna Ordförande, Regionstyrelsens ordförande, Region Stockholm" in html
        assert "hanna.lagg@regionstockholm.example.se" in html
    consultation_transition(actor=coordinator, consultation=jointly, to_status=Consultation.Status.OPEN)
    public = Client().get(reverse("consultations:detail", args=[jointly.pk])).content.decode()
    assert "Diarienummer, KSL" in public and _has_case_numbers(public)
    assert "remitterar härmed förslaget" in public and reverse("consultations:letter_pdf", args=[jointly.pk]) in public


def test_the_answer_page_names_the_senders_case_numbers(client, coordinator, jointly, municipality):
    ReferralFactory.create(consultation=jointly, organisation=municipality)
    consultation_transition(actor=coordinator, consultation=jointly, to_status=Consultation.Status.OPEN)
    client.force_login(member_of(municipality))
    html = client.get(reverse("consultations:respond", args=[jointly.pk, municipality.pk])).content.decode()
    assert "Region Stockholm dnr RS 2026/0012, KSL dnr KSL 2026/45" in html


def test_the_api_gives_each_senders_case_number(client, coordinator, jointly, region, ksl):
    client.force_login(coordinator)
    item = client.get(f"/api/v1/consultations/{jointly.pk}").json()
    assert [(s["id"], s["case_number"]) for s in item["senders"]] == [
        (region.pk, "RS 2026/0012"),
        (ksl.pk, "KSL 2026/45"),
    ]


# --- The covering letter ------------------------------------------------------------------------------------


def test_the_letter_pdf_is_tagged_pdf_a_with_the_letter_signatories_and_contacts(client, coordinator, jointly):
    client.force_login(coordinator)  # a draft: only those who run it may read it
    response = client.get(reverse("consultations:letter_pdf", args=[jointly.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp
    text = " ".join(extract_text(io.BytesIO(pdf)).split())
    assert "remitterar härmed förslaget" in text
    assert _has_case_numbers(text) and jointly.reference_number in text
    assert "Anna Ordförande, Regionstyrelsens ordförande, Region Stockholm" in text
    assert "Karl Kansli, Direktör, KSL" in text
    assert "Hanna Lägg, hanna.lagg@regionstockholm.example.se, 08-123 45 67" in text


def test_a_drafts_letter_pdf_is_not_found_for_others(client, other_coordinator, jointly):
    assert Client().get(reverse("consultations:letter_pdf", args=[jointly.pk])).status_code == 404
    client.force_login(other_coordinator)
    assert client.get(reverse("consultations:letter_pdf", args=[jointly.pk])).status_code == 404


def test_the_letter_is_written_on_its_page_and_corrected_after_opening(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("coordination:letter", args=[draft.pk])
    assert client.post(url, {"letter": "Första versionen."}).status_code == 302
    draft.refresh_from_db()
    assert draft.letter == "Första versionen." and draft.letter_corrected_at is None
    assert AuditEvent.objects.filter(action="consultation.letter_changed", object_id=str(draft.pk)).exists()

    consultation_transition(actor=coordinator, consultation=draft, to_status=Consultation.Status.OPEN)
    assert "registreras som en rättelse" in client.get(url).content.decode()
    assert client.post(url, {"letter": "Rättad version."}).status_code == 302
    draft.refresh_from_db()
    assert draft.letter == "Rättad version." and draft.letter_corrected_at is not None
    event = AuditEvent.objects.get(action="consultation.letter_corrected", object_id=str(draft.pk))
    assert event.changes["letter"] == ["Första versionen.", "Rättad version."]
    public = Client().get(reverse("consultations:detail", args=[draft.pk])).content.decode()
    assert "Rättad version." in public and "Rättat " in public


def test_the_letter_cannot_change_once_compiled(coordinator, draft):
    for status in (Consultation.Status.OPEN, Consultation.Status.CLOSED, Consultation.Status.COMPILED):
        consultation_transition(actor=coordinator, consultation=draft, to_status=status)
    with pytest.raises(NotAllowedNow):
        consultation_letter_set(actor=coordinator, consultation=draft, letter="Sent")


def test_another_organisations_coordinator_cannot_touch_the_letter(client, other_coordinator, jointly):
    with pytest.raises(PermissionDenied):
        consultation_letter_set(actor=other_coordinator, consultation=jointly, letter="Kapat")
    client.force_login(other_coordinator)
    url = reverse("coordination:letter", args=[jointly.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"letter": "Kapat"}).status_code == 404
    assert client.get(reverse("coordination:invitation_preview", args=[jointly.pk])).status_code == 404
    jointly.refresh_from_db()
    assert jointly.letter == LETTER


def test_an_over_long_letter_is_refused_and_kept(client, coordinator, draft):
    client.force_login(coordinator)
    html = client.post(reverse("coordination:letter", args=[draft.pk]), {"letter": "x" * 20_001}).content.decode()
    assert "error-summary" in html and "x" * 100 in html
    draft.refresh_from_db()
    assert draft.letter == ""


# --- The invitation: preview and sending, one builder ----------------------------------------------------


def test_the_preview_is_what_the_registry_receives(client, coordinator, jointly, municipality, send_invitations):
    referral = ReferralFactory.create(consultation=jointly, organisation=municipality)
    person = member_of(municipality)
    client.force_login(coordinator)
    page = client.get(reverse("coordination:invitation_preview", args=[jointly.pk]), {"referral": referral.pk})
    html = page.content.decode()
    [previewed] = [email for email in invitation_emails(jointly, referral, preview=True) if not email.personal]
    rendered = previewed.render()
    assert OutboundEmail.objects.count() == 0  # the preview sends nothing

    services.consultation_open(actor=coordinator, consultation=jointly)
    send_invitations(jointly)
    sent = OutboundEmail.objects.get(to=["registrator@nacka.example.se"])
    # The same message, except that the registry's own login link is minted only when it is sent.
    link = re.compile(r"https?://[^\s\"<]+/konto/lank/\?[^\s\"<]+")
    assert link.search(sent.body_text)
    sent_text, sent_html = (link.sub(PREVIEW_LOGIN_LINK, body) for body in (sent.body_text, sent.body_html))
    assert (sent.subject, sent_text, sent_html) == (rendered.subject, rendered.text, rendered.html)
    assert [a["filename"] for a in sent.attachments] == [a.filename for a in previewed.attachments]
    assert any(a.filename.startswith("missiv-") for a in previewed.attachments)
    # the page shows that same message: subject, attachments and the people who get a personal version
    assert rendered.subject in html
    assert all(a.filename in html for a in previewed.attachments)
    assert person.email in html  # who gets a personal version
    assert "remitterar härmed förslaget" in html
    assert _has_case_numbers(sent.subject)
    assert "Anna Ordförande" in sent.body_text and "hanna.lagg@regionstockholm.example.se" in sent.body_text


def test_the_preview_writes_nothing_for_contacts_without_accounts(coordinator, jointly, municipality):
    ContactPersonFactory.create(organisation=municipality, email="ny.kontakt@nacka.example.se")
    referral = ReferralFactory.create(consultation=jointly, organisation=municipality)
    users_before = User.objects.count()
    emails = invitation_emails(jointly, referral, preview=True)
    # the contact person is shown as the one who will get a personal link, but no account is made yet
    assert [email.to for email in emails] == [["registrator@nacka.example.se"], ["ny.kontakt@nacka.example.se"]]
    assert User.objects.count() == users_before
    assert OutboundEmail.objects.count() == 0


# --- Every e-mail's subject names the case numbers ----------------------------------------------------------


def test_every_kind_of_email_names_the_case_numbers_in_its_subject(
    coordinator, jointly, municipality, send_invitations
):
    respondent = member_of(municipality)
    referral = ReferralFactory.create(consultation=jointly, organisation=municipality)
    services.consultation_open(actor=coordinator, consultation=jointly)
    send_invitations(jointly)  # invitations
    late_body = OrganisationFactory.create(name="Värmdö kommun", registry_email="registrator@varmdo.example.se")
    referral_add(actor=coordinator, consultation=jointly, organisations=[late_body])
    send_invitations(jointly)  # added after opening
    referral.refresh_from_db()
    reminder_send_manual(actor=coordinator, consultation=jointly, referrals=[referral])  # reminder
    extension_grant_direct(
        actor=coordinator,
        referral=referral,
        deadline=local_date(jointly.deadline) + dt.timedelta(days=7),
        note="",
    )  # extension decision
    draft = responses.response_get_or_create_draft(actor=respondent, consultation=jointly, organisation=municipality)
    responses.signatory_invite(actor=respondent, response=draft, organisation=late_body)  # co-signing request
    question = jointly.questions.first()
    responses.answer_save(
        actor=respondent, response=draft, question=question, stance=Stance.SUPPORT, text="Bra.", base_version=0
    )
    responses.response_submit(actor=respondent, response=draft)  # receipt
    late_person = member_of(late_body)
    late_referral = Referral.objects.get(consultation=jointly, organisation=late_body)
    responses.response_decline(actor=late_person, referral=late_referral, reason="Ingen tid.")  # declined

    categories = set(OutboundEmail.objects.values_list("category", flat=True))
    for template in ("invitation", "reminder", "extension_decision", "signatory_request", "receipt", "declined"):
        assert any(template in category for category in categories), (template, categories)
    subjects = list(OutboundEmail.objects.values_list("subject", flat=True))
    assert any("lagts till" in subject for subject in subjects)  # the late addition's own wording
    for subject in subjects:
        assert _has_case_numbers(subject), subject
        assert jointly.reference_number in subject
