"""The coordinator's pages: access (404 for consultations one does not run), and each journey through the pages:
create, questions, documents, referral list, open, dashboard with reminders and extensions, registering answers,
close and reopen."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import (
    Consultation,
    ExtensionRequest,
    Question,
    Referral,
    ReminderSent,
    Response,
)
from samrad.consultations.services import document_add
from samrad.consultations.tests.factories import (
    ExtensionRequestFactory,
    ReferralFactory,
    deadline_in,
    sender_rows,
)
from samrad.documents.tests.samples import make_elf_executable, make_pdf
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"coordination:{name}", args=args)


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def world(open_consultation, municipality, coordinator):
    """An open consultation with a referral, a pending extension request and a document, and the url arguments
    of every coordinator page of it."""
    referral = ReferralFactory.create(consultation=open_consultation, organisation=municipality, invited=True)
    request = ExtensionRequestFactory.create(referral=referral)
    question = open_consultation.questions.get()
    document = document_add(
        actor=coordinator,
        consultation=Consultation.objects.get(pk=open_consultation.pk, status=Consultation.Status.OPEN),
        title="Förslaget",
        stream=io.BytesIO(make_pdf("Förslaget")),
        filename="forslag.pdf",
    )
    c = open_consultation.pk
    pages = [
        ("detail", (c,)),
        ("edit", (c,)),
        ("questions", (c,)),
        ("question_edit", (c, question.pk)),
        ("question_remove", (c, question.pk)),
        ("question_move", (c, question.pk)),
        ("documents", (c,)),
        ("document_download", (c, document.pk)),
        ("document_remove", (c, document.pk)),
        ("referrals", (c,)),
        ("referral_add", (c,)),
        ("referral_remove", (c, referral.pk)),
        ("extension_direct", (c, referral.pk)),
        ("open", (c,)),
        ("close", (c,)),
        ("reopen", (c,)),
        ("dashboard", (c,)),
        ("remind", (c,)),
        ("extension_decide", (c, request.pk)),
        ("register_answer", (c,)),
        ("register_unsolicited", (c,)),
    ]
    return {"consultation": open_consultation, "referral": referral, "request": request, "pages": pages}


# --- Access ----------------------------------------------------------------------------------------------


def test_every_page_of_someone_elses_consultation_is_not_found(client, world, other_coordinator, respondent):
    for user in (other_coordinator, respondent):
        client.force_login(user)
        for name, args in world["pages"]:
            assert client.get(url(name, *args)).status_code == 404, (user, name)
            assert client.post(url(name, *args), {"note": "x", "direction": "up"}).status_code == 404, (user, name)
    # Nothing changed.
    assert Referral.objects.filter(pk=world["referral"].pk).exists()
    assert Question.objects.filter(consultation=world["consultation"]).count() == 1
    assert world["consultation"].documents.count() == 1
    assert Consultation.objects.get(pk=world["consultation"].pk).status == Consultation.Status.OPEN
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.PENDING


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for name, args in [*world["pages"], ("list", ()), ("create", ())]:
        response = client.get(url(name, *args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login"))


def test_respondents_may_not_list_or_create(client, respondent):
    client.force_login(respondent)
    assert client.get(url("list")).status_code == 403
    assert client.get(url("create")).status_code == 403
    assert client.post(url("create"), {"title": "X"}).status_code == 403


def test_every_page_of_my_consultation_opens(as_coordinator, world):
    for name, args in world["pages"]:
        if name in ("question_move", "remind"):
            continue  # POST only
        assert as_coordinator.get(url(name, *args)).status_code == 200, name


# --- My consultations and creating one ---------------------------------------------------------------------


def test_my_consultations_lists_mine_with_figures(as_coordinator, world):
    ReferralFactory.create(consultation=world["consultation"], status=Referral.Status.SUBMITTED)
    html = html_of(as_coordinator.get(url("list")))
    assert world["consultation"].title in html
    assert "Mina remisser" in html


def test_creating_a_consultation_warns_about_short_remiss_time_but_creates_it(as_coordinator, region):
    deadline = local_date(timezone.now()) + dt.timedelta(days=30)
    response = as_coordinator.post(
        url("create"),
        {
            "title": "Regional cykelplan",
            "summary": "Kort",
            "body": "",
            **sender_rows(region),
            "deadline": deadline.isoformat(),
            "reminder_days": "14, 3, 3",
        },
        follow=True,
    )
    html = html_of(response)
    consultation = Consultation.objects.get(title="Regional cykelplan")
    assert consultation.status == Consultation.Status.DRAFT
    assert consultation.deadline == end_of_day(deadline)
    assert consultation.reminder_days == [14, 3]
    assert list(consultation.sender_links.values_list("organisation_id", flat=True)) == [region.pk]
    assert "tre månader" in html  # the warning, on the page after saving
    assert consultation.reference_number in html


def test_the_create_form_shows_errors_in_swedish_and_keeps_the_input(as_coordinator, region):
    response = as_coordinator.post(
        url("create"),
        {"title": "Kvar", **sender_rows(region), "deadline": "2000-01-01", "reminder_days": "tre"},
    )
    html = html_of(response)
    assert "Det finns ett problem" in html or "error-summary" in html
    assert 'value="Kvar"' in html
    assert not Consultation.objects.filter(title="Kvar").exists()


def test_editing_shows_the_warning_and_saves(as_coordinator, draft):
    html = html_of(as_coordinator.get(url("edit", draft.pk)))
    assert draft.title in html
    draft.deadline = deadline_in(20)
    draft.save()
    assert "tre månader" in html_of(as_coordinator.get(url("edit", draft.pk)))
    response = as_coordinator.post(
        url("edit", draft.pk),
        {
            "title": "Ny titel",
            "summary": "",
            "body": "",
            **sender_rows(*[s.organisation for s in draft.sender_links.all()], initial=draft.sender_links.count()),
            "deadline": (local_date(timezone.now()) + dt.timedelta(days=120)).isoformat(),
            "reminder_days": "",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Ny titel" and draft.reminder_days == []


# --- Questions and documents -------------------------------------------------------------------------------


def test_questions_are_added_changed_moved_and_removed(as_coordinator, draft):
    first = draft.questions.get()
    as_coordinator.post(
        url("questions", draft.pk), {"text": "Tycker ni om kartan?", "kind": "text", "section": "avsnitt 5.2"}
    )
    second = draft.questions.get(text="Tycker ni om kartan?")
    assert second.kind == Question.Kind.TEXT and second.section == "avsnitt 5.2"

    as_coordinator.post(url("question_move", draft.pk, second.pk), {"direction": "up"})
    assert list(draft.questions.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]

    as_coordinator.post(url("question_edit", draft.pk, second.pk), {"text": "Ändrad", "kind": "stance"})
    second.refresh_from_db()
    assert (second.text, second.kind) == ("Ändrad", Question.Kind.STANCE)

    as_coordinator.post(url("question_remove", draft.pk, first.pk))
    assert list(draft.questions.values_list("pk", flat=True)) == [second.pk]


def test_questions_are_fixed_once_open(as_coordinator, open_consultation):
    question = open_consultation.questions.get()
    html = html_of(as_coordinator.get(url("questions", open_consultation.pk)))
    assert url("question_edit", open_consultation.pk, question.pk) not in html
    as_coordinator.post(url("question_remove", open_consultation.pk, question.pk), follow=True)
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_document_is_uploaded_and_a_bad_file_is_refused_with_a_form_error(as_coordinator, draft):
    good = SimpleUploadedFile("forslag.pdf", make_pdf("Förslag"), content_type="application/pdf")
    response = as_coordinator.post(url("documents", draft.pk), {"title": "Remissförslaget", "file": good})
    assert response.status_code == 302
    assert draft.documents.get().title == "Remissförslaget"

    bad = SimpleUploadedFile("forslag.pdf", make_elf_executable(), content_type="application/pdf")
    html = html_of(as_coordinator.post(url("documents", draft.pk), {"title": "Bilaga 2", "file": bad}))
    assert "error-summary" in html
    assert 'value="Bilaga 2"' in html  # what was typed is kept
    assert draft.documents.count() == 1

    document = draft.documents.get()
    download = as_coordinator.get(url("document_download", draft.pk, document.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


# --- The referral list -------------------------------------------------------------------------------------


def test_picking_bodies_by_kind_and_one_by_one(as_coordinator, draft):
    nacka = OrganisationFactory.create(name="Nacka kommun")
    solna = OrganisationFactory.create(name="Solna stad")
    agency = OrganisationFactory.create(agency=True, name="Trafikverket")

    html = html_of(as_coordinator.get(url("referral_add", draft.pk), {"kinds": ["municipality"]}))
    assert "Nacka kommun" in html and "Solna stad" in html and "Trafikverket" not in html

    html = html_of(as_coordinator.get(url("referral_add", draft.pk), {"q": "trafik"}))
    assert "Trafikverket" in html and "Nacka kommun" not in html

    response = as_coordinator.post(
        url("referral_add", draft.pk) + "?kinds=municipality", {"organisations": [nacka.pk, solna.pk]}
    )
    assert response.status_code == 302
    assert set(draft.referrals.values_list("organisation_id", flat=True)) == {nacka.pk, solna.pk}
    assert not OutboundEmail.objects.exists()  # a draft invites nobody

    # Those already on the list are not offered again.
    html = html_of(as_coordinator.get(url("referral_add", draft.pk), {"kinds": ["municipality"]}))
    assert "Nacka kommun" not in html
    assert agency.pk


def test_adding_to_an_open_consultation_invites_with_an_own_deadline(
    as_coordinator, open_consultation, send_invitations
):
    late = OrganisationFactory.create(name="Värmdö kommun")
    own = local_date(open_consultation.deadline) + dt.timedelta(days=20)
    response = as_coordinator.post(
        url("referral_add", open_consultation.pk), {"organisations": [late.pk], "own_deadline": own.isoformat()}
    )
    assert response.status_code == 302
    referral = Referral.objects.get(consultation=open_consultation, organisation=late)
    assert referral.added_after_opening and referral.deadline_override == end_of_day(own)
    html = html_of(as_coordinator.get(response["Location"]))
    assert "Inbjudningar skickas: 0 av 1" in html
    assert "inbjudan skickas" in html  # the body's row says its invitation is on its way

    send_invitations(open_consultation)
    referral.refresh_from_db()
    assert referral.invited_at
    assert OutboundEmail.objects.filter(category="consultations.invitation").exists()
    assert "Inbjudningar skickas" not in html_of(as_coordinator.get(response["Location"]))


def test_an_own_deadline_before_the_consultations_is_a_form_error(as_coordinator, open_consultation):
    late = OrganisationFactory.create(name="Värmdö kommun")
    html = html_of(
        as_coordinator.post(
            url("referral_add", open_consultation.pk),
            {"organisations": [late.pk], "own_deadline": local_date(timezone.now()).isoformat()},
        )
    )
    assert "error-summary" in html
    assert not Referral.objects.filter(organisation=late).exists()


def test_removing_a_body_that_answered_is_refused_with_a_message(as_coordinator, open_consultation):
    answered = ReferralFactory.create(consultation=open_consultation, status=Referral.Status.SUBMITTED)
    waiting = ReferralFactory.create(consultation=open_consultation)

    html = html_of(as_coordinator.post(url("referral_remove", open_consultation.pk, answered.pk), follow=True))
    assert answered.organisation.name in html
    assert Referral.objects.filter(pk=answered.pk).exists()

    as_coordinator.post(url("referral_remove", open_consultation.pk, waiting.pk))
    assert not Referral.objects.filter(pk=waiting.pk).exists()


# --- Open, close, reopen ----------------------------------------------------------------------------------


def test_the_open_page_says_how_many_will_be_invited_and_opens(as_coordinator, draft):
    ReferralFactory.create_batch(3, consultation=draft)
    html = html_of(as_coordinator.get(url("open", draft.pk)))
    assert "3 remissinstanser" in html

    response = as_coordinator.post(url("open", draft.pk))
    assert response.status_code == 302 and response["Location"] == url("dashboard", draft.pk)
    draft.refresh_from_db()
    assert draft.status == Consultation.Status.OPEN
    html = html_of(as_coordinator.get(response["Location"]))
    assert "Inbjudningarna till 3 remissinstanser skickas." in html
    assert "Inbjudningar skickas: 0 av 3" in html


def test_opening_without_questions_shows_why(as_coordinator, make_consultation):
    empty = make_consultation(questions=0)
    html = html_of(as_coordinator.post(url("open", empty.pk)))
    assert "error-summary" in html
    empty.refresh_from_db()
    assert empty.status == Consultation.Status.DRAFT


def test_close_and_reopen(as_coordinator, open_consultation):
    assert as_coordinator.post(url("close", open_consultation.pk), {"note": "Klart"}).status_code == 302
    open_consultation.refresh_from_db()
    assert open_consultation.status == Consultation.Status.CLOSED

    html = html_of(as_coordinator.post(url("reopen", open_consultation.pk), {"deadline": "2001-01-01"}))
    assert "error-summary" in html
    new_day = local_date(timezone.now()) + dt.timedelta(days=14)
    assert (
        as_coordinator.post(url("reopen", open_consultation.pk), {"deadline": new_day.isoformat()}).status_code == 302
    )
    open_consultation.refresh_from_db()
    assert open_consultation.status == Consultation.Status.OPEN
    assert open_consultation.deadline == end_of_day(new_day)


# --- Dashboard, reminders, extensions -----------------------------------------------------------------------


def test_the_dashboard_shows_statuses_filters_and_the_htmx_fragment(as_coordinator, open_consultation):
    ReferralFactory.create(
        consultation=open_consultation,
        organisation=OrganisationFactory.create(name="Nacka kommun"),
        status=Referral.Status.SUBMITTED,
    )
    ReferralFactory.create(consultation=open_consultation, organisation=OrganisationFactory.create(name="Solna stad"))

    html = html_of(as_coordinator.get(url("dashboard", open_consultation.pk)))
    assert "Nacka kommun" in html and "Solna stad" in html
    assert "Svar inlämnat" in html

    fragment = html_of(
        as_coordinator.get(url("dashboard", open_consultation.pk), {"status": "submitted"}, HTTP_HX_REQUEST="true")
    )
    assert "Nacka kommun" in fragment and "Solna stad" not in fragment
    assert "<html" not in fragment


def test_the_dashboard_page_runs_the_same_queries_for_few_and_many_bodies(as_coordinator, make_consultation):
    def queries_for(count: int) -> int:
        consultation = make_consultation(open=True)
        organisations = Organisation.objects.bulk_create(
            Organisation(kind=Organisation.Kind.AGENCY, name=f"Myndighet {consultation.pk}-{i}") for i in range(count)
        )
        Referral.objects.bulk_create(Referral(consultation=consultation, organisation=o) for o in organisations)
        with CaptureQueriesContext(connection) as captured:
            html_of(as_coordinator.get(url("dashboard", consultation.pk)))
        return len(captured)

    assert queries_for(3) == queries_for(150)


def test_reminders_to_the_ticked_bodies(as_coordinator, open_consultation):
    chosen = ReferralFactory.create(consultation=open_consultation, invited=True)
    other = ReferralFactory.create(consultation=open_consultation, invited=True)
    response = as_coordinator.post(
        url("remind", open_consultation.pk), {"referrals": [chosen.pk], "message": "Hör av er!"}, follow=True
    )
    html_of(response)
    assert list(ReminderSent.objects.values_list("referral_id", flat=True)) == [chosen.pk]
    assert not ReminderSent.objects.filter(referral=other).exists()


def test_granting_and_refusing_extensions_from_the_dashboard(as_coordinator, world):
    referral, request = world["referral"], world["request"]
    html = html_of(as_coordinator.get(url("dashboard", world["consultation"].pk)))
    assert url("extension_decide", world["consultation"].pk, request.pk) in html

    new_day = local_date(request.requested_deadline) + dt.timedelta(days=2)
    response = as_coordinator.post(
        url("extension_decide", world["consultation"].pk, request.pk),
        {"decision": "grant", "deadline": new_day.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.deadline_override == end_of_day(new_day)

    later = new_day + dt.timedelta(days=5)
    html = html_of(
        as_coordinator.post(
            url("extension_direct", world["consultation"].pk, referral.pk), {"deadline": new_day.isoformat()}
        )
    )
    assert "error-summary" in html  # not later than the deadline it already has
    as_coordinator.post(url("extension_direct", world["consultation"].pk, referral.pk), {"deadline": later.isoformat()})
    referral.refresh_from_db()
    assert referral.deadline_override == end_of_day(later)

    asking = ExtensionRequestFactory.create(referral=referral)
    html = html_of(
        as_coordinator.post(
            url("extension_decide", world["consultation"].pk, asking.pk), {"decision": "refuse", "note": ""}
        )
    )
    assert "error-summary" in html
    as_coordinator.post(
        url("extension_decide", world["consultation"].pk, asking.pk), {"decision": "refuse", "note": "Nej."}
    )
    asking.refresh_from_db()
    assert asking.status == ExtensionRequest.Status.REFUSED


# --- Registering answers that came by other routes ---------------------------------------------------------


def test_registering_an_answer_on_behalf_of_a_body_on_the_list(as_coordinator, world):
    referral = world["referral"]
    upload = SimpleUploadedFile("svar.pdf", make_pdf("Vårt svar"), content_type="application/pdf")
    response = as_coordinator.post(
        url("register_answer", world["consultation"].pk),
        {
            "organisation": referral.organisation_id,
            "file": upload,
            "received_on": local_date(timezone.now()).isoformat(),
            "channel": "paper",
            "their_reference": "KS 2026/123",
            "decided_by": "Kommunstyrelsen",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    answer = Response.objects.get(consultation=world["consultation"], organisation=referral.organisation)
    assert answer.submissions.count() == 1


def test_registering_an_unsolicited_answer_by_name(as_coordinator, world):
    upload = SimpleUploadedFile("svar.pdf", make_pdf("Vi vill också tycka till"), content_type="application/pdf")
    html = html_of(
        as_coordinator.post(
            url("register_unsolicited", world["consultation"].pk),
            {"file": upload, "received_on": local_date(timezone.now()).isoformat(), "channel": "email"},
        )
    )
    assert "error-summary" in html  # neither an organisation nor a name

    upload = SimpleUploadedFile("svar.pdf", make_pdf("Vi vill också tycka till"), content_type="application/pdf")
    response = as_coordinator.post(
        url("register_unsolicited", world["consultation"].pk),
        {
            "respondent_name": "Naturskyddsföreningen i Nacka",
            "file": upload,
            "received_on": local_date(timezone.now()).isoformat(),
            "channel": "email",
        },
    )
    assert response.status_code == 302
    answer = Response.objects.get(respondent_name="Naturskyddsföreningen i Nacka")
    assert answer.is_unsolicited and answer.submissions.count() == 1


def test_a_registration_with_a_future_date_or_a_bad_file_is_refused(as_coordinator, world):
    referral = world["referral"]
    future = local_date(timezone.now()) + dt.timedelta(days=2)
    upload = SimpleUploadedFile("svar.pdf", make_pdf("x"), content_type="application/pdf")
    html = html_of(
        as_coordinator.post(
            url("register_answer", world["consultation"].pk),
            {
                "organisation": referral.organisation_id,
                "file": upload,
                "received_on": future.isoformat(),
                "channel": "email",
            },
        )
    )
    assert "error-summary" in html
    bad = SimpleUploadedFile("svar.pdf", make_elf_executable(), content_type="application/pdf")
    html = html_of(
        as_coordinator.post(
            url("register_answer", world["consultation"].pk),
            {
                "organisation": referral.organisation_id,
                "file": bad,
                "received_on": local_date(timezone.now()).isoformat(),
                "channel": "email",
                "their_reference": "KS 1",
            },
        )
    )
    assert "error-summary" in html and 'value="KS 1"' in html
    assert not Response.objects.exists()


def test_the_consultation_form_promises_no_public_answering_that_does_not_exist(client, coordinator):
    """Members of the public cannot answer on the platform (yet): the form must not offer it."""
    client.force_login(coordinator)
    html = client.get(reverse("coordination:create")).content.decode()
    assert "is_public" not in html
    assert "allmänheten" not in html.lower()


def test_a_body_in_two_roles_is_offered_under_either_kind(as_coordinator, draft):
    """Region Gotland is a municipality and a region: picking either kind offers it, once."""
    gotland = OrganisationFactory.create(
        name="Region Gotland", municipality_code="0980", second_kind=Organisation.Kind.REGION
    )
    for kind in ("municipality", "region"):
        html = html_of(as_coordinator.get(url("referral_add", draft.pk), {"kinds": [kind]}))
        assert html.count("Region Gotland") == 1, kind
    both = html_of(as_coordinator.get(url("referral_add", draft.pk), {"kinds": ["municipality", "region"]}))
    assert both.count("Region Gotland") == 1
    response = as_coordinator.post(url("referral_add", draft.pk) + "?kinds=region", {"organisations": [gotland.pk]})
    assert response.status_code == 302
    assert list(draft.referrals.values_list("organisation_id", flat=True)) == [gotland.pk]
