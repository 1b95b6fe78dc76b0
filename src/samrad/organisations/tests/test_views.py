"""The register's staff pages: access, list and search, edits through the services, import uploads."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from samrad.accounts.models import Membership, User
from samrad.audit.models import AuditEvent
from samrad.organisations.importing import default_register_path
from samrad.organisations.models import ContactPerson, County, Division, Group, Organisation
from samrad.organisations.tests.factories import ContactPersonFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MAIL_REFUSAL = (
    "Bara organisationens egna handläggare, dess registratur eller plattformens personal får ändra vart dess post går."
)


@pytest.fixture
def staff_client(client, coordinator):
    client.force_login(coordinator)
    return client


def edit_data(org: Organisation, **changes) -> dict:
    data = {
        "kind": org.kind,
        "second_kind": org.second_kind or "",
        "name": org.name,
        "short_name": org.short_name,
        "municipality_code": org.municipality_code or "",
        "organisation_number": org.organisation_number,
        "county": org.county_id or "",
        "groups": [group.pk for group in org.groups.all()],
        "registry_email": org.registry_email,
        "website": org.website,
        "population": org.population if org.population is not None else "",
        "population_year": org.population_year or "",
        "is_active": "on" if org.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("organisations:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["list", "create", "import", "groups"])
def test_respondents_get_403(client, respondent, name):
    client.force_login(respondent)
    assert client.get(reverse(f"organisations:{name}")).status_code == 403


def test_respondents_get_403_on_organisation_pages_and_posts_change_nothing(client, respondent):
    client.force_login(respondent)
    org = Organisation.objects.get(name="Testkommun")
    assert client.get(reverse("organisations:detail", args=[org.pk])).status_code == 403
    response = client.post(reverse("organisations:edit", args=[org.pk]), edit_data(org, name="Kapad"))
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Testkommun"


def test_django_staff_users_are_coordinators(client):
    staff = User.objects.create_user(username="admin", email="admin@example.se", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("organisations:list")).status_code == 200


def test_the_list_searches_filters_and_pages(staff_client, register):
    response = staff_client.get(reverse("organisations:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 28  # 27 municipalities and the coordinator's region
    assert len(response.context["page_obj"].object_list) == 25

    page_two = staff_client.get(reverse("organisations:list"), {"page": 2})
    assert len(page_two.context["page_obj"].object_list) == 3

    found = staff_client.get(reverse("organisations:list"), {"q": "väsby"})
    assert [o.name for o in found.context["page_obj"].object_list] == ["Upplands Väsby"]

    sodertorn = Group.objects.get(name="Södertörn")
    in_group = staff_client.get(reverse("organisations:list"), {"group": sodertorn.pk, "county": "01"})
    assert in_group.context["page_obj"].paginator.count == 8

    regions = staff_client.get(reverse("organisations:list"), {"kind": "region"})
    assert [o.name for o in regions.context["page_obj"].object_list] == ["Region Gotland", "Region Stockholm"]


def test_a_bad_filter_is_an_error_on_the_page_not_a_500(staff_client, register):
    response = staff_client.get(reverse("organisations:list"), {"kind": "rymdstation", "county": "99", "q": "sol"})
    assert response.status_code == 200
    assert set(response.context["filter_form"].errors) == {"kind", "county"}
    assert response.context["page_obj"].paginator.count == 2  # the valid filter still applies
    assert staff_client.get(reverse("organisations:list"), {"page": "x"}).status_code == 200


def test_htmx_requests_get_only_the_results(staff_client, register):
    response = staff_client.get(reverse("organisations:list"), {"q": "sol"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert "Solna" in body and "<html" not in body


def test_the_list_page_takes_the_same_number_of_queries_for_5_and_25_organisations(
    staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("organisations:list")
    OrganisationFactory.create_batch(4)
    staff_client.get(url)  # warm up the session and the user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    OrganisationFactory.create_batch(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = staff_client.get(url)
    assert len(response.context["page_obj"].object_list) == 25


def test_the_detail_page_shows_contacts_groups_and_memberships(staff_client, register):
    org = Organisation.objects.get(municipality_code="0127")
    ContactPersonFactory.create(organisation=org, name="Eva Ek", email="eva.ek@botkyrka.example.se")
    response = staff_client.get(reverse("organisations:detail", args=[org.pk]))
    body = response.content.decode()
    assert "Botkyrka" in body and "Södertörn" in body and "Eva Ek" in body
    assert response.context["organisation"].membership_count == 0
    assert staff_client.get(reverse("organisations:detail", args=[999_999])).status_code == 404


def test_a_coordinator_edits_an_organisation_and_the_change_is_audited(staff_client, coordinator, register):
    org = Organisation.objects.get(municipality_code="0127")
    # Where Botkyrka's mail goes is for Botkyrka's own people (and platform staff) to change.
    Membership.objects.create(user=coordinator, organisation=org, role=Membership.Role.COORDINATOR)
    network = Group.objects.create(name="Klimatnätverket", kind=Group.Kind.NETWORK)
    sodertorn = Group.objects.get(name="Södertörn")
    data = edit_data(
        org,
        registry_email="kommunstyrelsen@botkyrka.se",
        organisation_number="2120002882",
        groups=[sodertorn.pk, network.pk],
    )
    response = staff_client.post(reverse("organisations:edit", args=[org.pk]), data)

    assert response.status_code == 302 and response["Location"] == reverse("organisations:detail", args=[org.pk])
    org.refresh_from_db()
    assert (org.registry_email, org.organisation_number) == ("kommunstyrelsen@botkyrka.se", "212000-2882")
    assert set(org.groups.values_list("name", flat=True)) == {"Södertörn", "Klimatnätverket"}
    event = AuditEvent.objects.filter(action="organisation.update").get()
    assert event.actor_id == coordinator.pk
    assert event.changes["registry_email"] == ["", "kommunstyrelsen@botkyrka.se"]
    assert event.changes["groups"] == [["Södertörn"], ["Klimatnätverket", "Södertörn"]]


def test_a_duplicate_municipality_code_is_a_form_error_not_a_500(staff_client, register):
    org = Organisation.objects.get(municipality_code="0127")
    response = staff_client.post(reverse("organisations:edit", args=[org.pk]), edit_data(org, municipality_code="0126"))
    assert response.status_code == 200
    assert "municipality_code" in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()

    create = staff_client.post(
        reverse("organisations:create"), {"kind": "municipality", "name": "Kopia", "municipality_code": "0126"}
    )
    assert create.status_code == 200 and "municipality_code" in create.context["form"].errors
    assert not AuditEvent.objects.filter(
        action__in=["organisation.update", "organisation.create"], actor_id__isnull=False
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"municipality_code": "12"}, "municipality_code"),
        ({"organisation_number": "212000-2883"}, "organisation_number"),
        ({"kind": "agency"}, "municipality_code"),
        ({"county": "placeholder-gotland"}, "county"),
        ({"population": "", "population_year": "2016"}, "population"),
        ({"registry_email": "inte en adress"}, "registry_email"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_gets_clear_errors(staff_client, register, changes, field):
    org = Organisation.objects.get(municipality_code="0127")
    if changes.get("county") == "placeholder-gotland":
        changes["county"] = County.objects.get(code="09").pk
    response = staff_client.post(reverse("organisations:edit", args=[org.pk]), edit_data(org, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_a_coordinator_creates_an_agency(staff_client):
    response = staff_client.post(
        reverse("organisations:create"),
        {"kind": "agency", "name": "Trafikverket", "organisation_number": "202100-6297", "is_active": "on"},
    )
    org = Organisation.objects.get(name="Trafikverket")
    assert response["Location"] == reverse("organisations:detail", args=[org.pk])
    assert org.municipality_code is None
    assert AuditEvent.objects.filter(action="organisation.create", object_id=str(org.pk)).exists()


def test_script_in_a_name_is_escaped(staff_client):
    org = OrganisationFactory.create(name='<script>alert("x")</script>Elaka kommunen')
    ContactPersonFactory.create(organisation=org, name="<img src=x onerror=alert(1)>")
    for url in (reverse("organisations:list"), reverse("organisations:detail", args=[org.pk])):
        body = staff_client.get(url).content.decode()
        assert '<script>alert("x")</script>' not in body
        assert "&lt;script&gt;" in body
        assert "<img src=x" not in body


def test_a_coordinator_may_not_change_where_another_organisations_mail_goes(staff_client, register):
    org = Organisation.objects.get(municipality_code="0180")
    response = staff_client.post(
        reverse("organisations:contact_add", args=[org.pk]), {"name": "Mallory", "email": "mallory@example.se"}
    )
    assert response.status_code == 403
    assert not ContactPerson.objects.filter(organisation=org).exists()


def test_another_organisations_coordinator_cannot_redirect_its_mail_through_the_edit_page(
    staff_client, coordinator, register
):
    """The coordinator is at Region Stockholm; Stockholm's registry address is Stockholm's to decide. The bound
    ModelForm puts the new address on the instance before the service runs: the rule must still hold."""
    org = Organisation.objects.get(municipality_code="0180")
    before = org.registry_email
    events_before = AuditEvent.objects.count()
    response = staff_client.post(
        reverse("organisations:edit", args=[org.pk]), edit_data(org, registry_email="kapad@example.se")
    )
    assert response.status_code == 403
    assert "Bara organisationens egna handläggare, dess registratur eller plattformens personal" in response.text
    assert 'value="kapad@example.se"' in response.text  # what was typed is kept on the page
    org.refresh_from_db()
    assert org.registry_email == before
    assert AuditEvent.objects.count() == events_before


def test_the_organisations_own_coordinator_and_platform_staff_change_its_registry_address(client, register):
    org = Organisation.objects.get(municipality_code="0180")
    own = User.objects.create_user(username="stockholm", email="registrator@stockholm.example.se")
    Membership.objects.create(user=own, organisation=org, role=Membership.Role.COORDINATOR)
    staff = User.objects.create_user(username="drift", email="drift@samrad.example.se", is_staff=True)
    for user, address in ((own, "registrator@stockholm.se"), (staff, "kommunstyrelsen@stockholm.se")):
        client.force_login(user)
        response = client.post(reverse("organisations:edit", args=[org.pk]), edit_data(org, registry_email=address))
        assert response.status_code == 302, response.content
        org.refresh_from_db()
        assert org.registry_email == address
        event = AuditEvent.objects.filter(action="organisation.update").latest("id")
        assert event.actor_id == user.pk and event.changes["registry_email"][1] == address


def test_a_refused_contact_person_shows_the_reason_on_the_form_and_keeps_what_was_typed(staff_client, register):
    org = Organisation.objects.get(municipality_code="0180")
    typed = {"name": "Maja Mallberg", "email": "maja.mallberg@example.se", "title": "Nämndsekreterare"}
    response = staff_client.post(reverse("organisations:contact_add", args=[org.pk]), typed)
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="error-summary"' in html  # the form page, not a bare "403 Forbidden"
    assert MAIL_REFUSAL in html
    for value in typed.values():
        assert f'value="{value}"' in html
    assert not ContactPerson.objects.filter(organisation=org).exists()


def test_the_contact_person_form_is_refused_with_its_reason_before_anything_is_typed(staff_client, register):
    org = Organisation.objects.get(municipality_code="0180")
    contact = ContactPersonFactory.create(organisation=org)
    for url in (
        reverse("organisations:contact_add", args=[org.pk]),
        reverse("organisations:contact_edit", args=[org.pk, contact.pk]),
        reverse("organisations:contact_remove", args=[org.pk, contact.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 403, url
        assert "får ändra organisationens kontaktpersoner" in response.content.decode()


def test_contact_person_controls_are_offered_only_to_whom_they_are_allowed(client, coordinator, register):
    own = Organisation.objects.get(name="Region Stockholm")
    other = Organisation.objects.get(municipality_code="0180")
    contact = ContactPersonFactory.create(organisation=other)
    client.force_login(coordinator)
    own_page = client.get(reverse("organisations:detail", args=[own.pk])).content.decode()
    assert reverse("organisations:contact_add", args=[own.pk]) in own_page
    other_page = client.get(reverse("organisations:detail", args=[other.pk])).content.decode()
    assert reverse("organisations:contact_add", args=[other.pk]) not in other_page
    assert reverse("organisations:contact_edit", args=[other.pk, contact.pk]) not in other_page
    assert "får ändra organisationens kontaktpersoner" in other_page

    staff = User.objects.create_user(username="drift", email="drift@samrad.example", is_staff=True)
    client.force_login(staff)
    staff_page = client.get(reverse("organisations:detail", args=[other.pk])).content.decode()
    assert reverse("organisations:contact_add", args=[other.pk]) in staff_page
    assert reverse("organisations:contact_edit", args=[other.pk, contact.pk]) in staff_page


def test_contacts_are_added_changed_and_removed(staff_client, register):
    org = Organisation.objects.get(name="Region Stockholm")  # the coordinator's own organisation
    add_url = reverse("organisations:contact_add", args=[org.pk])
    response = staff_client.post(add_url, {"name": "Eva Ek", "email": "eva.ek@stockholm.example.se", "title": ""})
    assert response.status_code == 302
    contact = ContactPerson.objects.get(organisation=org)

    duplicate = staff_client.post(add_url, {"name": "Eva igen", "email": "eva.ek@stockholm.example.se"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors

    edit_url = reverse("organisations:contact_edit", args=[org.pk, contact.pk])
    staff_client.post(edit_url, {"name": "Eva Ek", "email": "eva.ek@stockholm.example.se", "title": "Registrator"})
    contact.refresh_from_db()
    assert contact.title == "Registrator"

    other = OrganisationFactory.create()
    assert staff_client.get(reverse("organisations:contact_edit", args=[other.pk, contact.pk])).status_code == 404

    remove_url = reverse("organisations:contact_remove", args=[org.pk, contact.pk])
    assert staff_client.get(remove_url).status_code == 200
    staff_client.post(remove_url)
    assert not ContactPerson.objects.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="contact.").values_list("action", flat=True))
    assert sorted(actions) == ["contact.add", "contact.remove", "contact.update"]


def test_groups_and_the_proposed_division_stockholm_and_gotland(staff_client, register):
    assert staff_client.get(reverse("organisations:groups")).status_code == 200
    counties = list(County.objects.filter(code__in=["01", "09"]).values_list("pk", flat=True))
    response = staff_client.post(
        reverse("organisations:division_create"),
        {"name": "Stockholm + Gotland", "status": "proposed", "counties": counties, "description": ""},
    )
    assert response.status_code == 302
    division = Division.objects.get(name="Stockholm + Gotland")
    assert sorted(division.counties.values_list("code", flat=True)) == ["01", "09"]
    listed = staff_client.get(reverse("organisations:list"), {"division": division.pk})
    assert listed.context["page_obj"].paginator.count == 28  # with the coordinator's region in county 01

    no_county = staff_client.post(reverse("organisations:division_create"), {"name": "Tom", "status": "proposed"})
    assert no_county.status_code == 200 and "counties" in no_county.context["form"].errors

    staff_client.post(reverse("organisations:group_create"), {"name": "Klimatnätverket", "kind": "network"})
    taken = staff_client.post(reverse("organisations:group_create"), {"name": "Södertörn", "kind": "subregion"})
    assert taken.status_code == 200 and "name" in taken.context["form"].errors
    group = Group.objects.get(name="Klimatnätverket")
    staff_client.post(
        reverse("organisations:group_edit", args=[group.pk]), {"name": "Klimatnätverket Sthlm", "kind": "network"}
    )
    group.refresh_from_db()
    assert group.name == "Klimatnätverket Sthlm"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"division.create", "group.create", "group.update"} <= actions


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_import_preview_saves_nothing_then_confirming_imports(staff_client):
    url = reverse("organisations:import")
    content = default_register_path().read_bytes()
    preview = staff_client.post(url, {"file": upload("register.csv", content), "action": "preview"})

    assert preview.status_code == 200
    assert preview.context["result"].created == 27
    assert not Organisation.objects.filter(kind="municipality").exists()
    token = preview.context["token"]
    assert token

    confirmed = staff_client.post(url, {"token": token})
    assert confirmed.status_code == 302
    assert Organisation.objects.filter(kind="municipality").count() == 27
    assert staff_client.post(url, {"token": token}).status_code == 302  # used up: back to the form
    assert Organisation.objects.filter(kind="municipality").count() == 27


def test_import_with_bad_rows_shows_them_in_a_table_and_saves_nothing(staff_client):
    content = "municipality_code,name,population_2016\n0114,Upplands Väsby,43891\n114,Kort,x\n".encode()
    response = staff_client.post(
        reverse("organisations:import"), {"file": upload("register.csv", content), "action": "import"}
    )
    assert response.status_code == 200
    assert [p.line for p in response.context["result"].problems] == [3, 3]
    assert "<td>3</td>" in response.content.decode()
    assert not Organisation.objects.filter(kind="municipality").exists()


def test_checking_a_file_that_redirects_another_organisations_mail_shows_why_on_the_import_page(staff_client, register):
    """A coordinator may curate the register but not decide where another body's mail goes: the check reports
    the refused row instead of ending in a bare 403, and nothing is changed."""
    content = b"municipality_code,name,registry_email\n0180,Stockholm,kapad@example.se\n"
    for action in ("preview", "import"):
        response = staff_client.post(
            reverse("organisations:import"), {"file": upload("register.csv", content), "action": action}
        )
        assert response.status_code == 200
        problems = response.context["result"].problems
        assert [(p.line, p.column) for p in problems] == [(2, "registry_email")]
        html = response.content.decode()
        assert MAIL_REFUSAL in html
    assert Organisation.objects.get(municipality_code="0180").registry_email != "kapad@example.se"


def test_import_of_an_xlsx_upload(staff_client):
    workbook = Workbook()
    workbook.active.append(["municipality_code", "name", "population_2016"])
    workbook.active.append(["0114", "Upplands Väsby", 43891])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = staff_client.post(
        reverse("organisations:import"), {"file": upload("register.xlsx", buffer.getvalue()), "action": "import"}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(municipality_code="0114").population == 43891


def test_import_refuses_other_files_and_large_files(staff_client, settings):
    url = reverse("organisations:import")
    pdf = staff_client.post(url, {"file": upload("register.pdf", b"%PDF-1.4"), "action": "preview"})
    assert pdf.status_code == 200 and "file" in pdf.context["form"].errors
    renamed = staff_client.post(url, {"file": upload("register.csv", b"%PDF-1.4\n..."), "action": "preview"})
    assert renamed.status_code == 200 and not renamed.context["result"].ok
    settings.IMPORT_MAX_BYTES = 10
    large = staff_client.post(url, {"file": upload("register.csv", b"name,kind\nA,other\n"), "action": "preview"})
    assert "file" in large.context["form"].errors
    assert not Organisation.objects.filter(kind__in=["municipality", "other"]).exclude(name="Region Stockholm").exists()


def test_removing_another_organisations_contact_is_refused_with_its_reason(staff_client, register):
    org = Organisation.objects.get(municipality_code="0180")
    contact = ContactPersonFactory.create(organisation=org)
    response = staff_client.post(reverse("organisations:contact_remove", args=[org.pk, contact.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("organisations:detail", args=[org.pk])
    assert MAIL_REFUSAL in (response.content.decode())
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


def test_adding_an_organisation_with_a_name_or_address_already_in_the_register_needs_a_confirmation(
    staff_client, register
):
    nacka = Organisation.objects.get(municipality_code="0182")
    Organisation.objects.filter(pk=nacka.pk).update(registry_email="registrator@nacka.example")
    data = {"kind": "agency", "name": "nacka", "registry_email": "Registrator@NACKA.example", "is_active": "on"}

    first = staff_client.post(reverse("organisations:create"), data)

    assert first.status_code == 200
    html = first.content.decode()
    assert 'id="duplicate-warnings"' in html and 'id="id_confirm_duplicates"' in html
    assert "En annan organisation i registret heter eller hette ”nacka”: Nacka (0182)." in html
    assert "registratorsadressen Registrator@nacka.example: Nacka (0182)" in html
    assert f'href="{reverse("organisations:detail", args=[nacka.pk])}"' in html
    assert Organisation.objects.filter(name__iexact="nacka").count() == 1

    saved = staff_client.post(reverse("organisations:create"), {**data, "confirm_duplicates": "on"})
    assert saved.status_code == 302
    assert Organisation.objects.filter(name__iexact="nacka").count() == 2


def test_changing_an_organisation_warns_only_of_values_that_change(staff_client, register):
    solna = Organisation.objects.get(municipality_code="0184")
    OrganisationFactory.create(agency=True, name="Solna stad")  # an older twin, already there
    unchanged_name = staff_client.post(reverse("organisations:edit", args=[solna.pk]), edit_data(solna, website=""))
    assert unchanged_name.status_code == 302
    taken = staff_client.post(reverse("organisations:edit", args=[solna.pk]), edit_data(solna, name="Solna stad"))
    assert taken.status_code == 200 and 'id="duplicate-warnings"' in taken.content.decode()
    assert Organisation.objects.get(pk=solna.pk).name == "Solna"


def test_the_form_takes_a_second_kind(staff_client, register):
    gotland = Organisation.objects.get(municipality_code="0980")
    same = staff_client.post(
        reverse("organisations:edit", args=[gotland.pk]), edit_data(gotland, second_kind="municipality")
    )
    assert same.status_code == 200 and "Den andra typen måste skilja sig från typen." in same.content.decode()
    region_first = staff_client.post(
        reverse("organisations:edit", args=[gotland.pk]), edit_data(gotland, kind="region", second_kind="municipality")
    )
    assert region_first.status_code == 302
    assert Organisation.objects.get(pk=gotland.pk).kinds == ["region", "municipality"]


def test_an_import_with_warnings_waits_for_the_tick(staff_client, register):
    upload = io.BytesIO(b"name,kind\nHuddinge,agency\n")
    upload.name = "dubblett.csv"
    page = staff_client.post(reverse("organisations:import"), {"file": upload, "action": "import"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="import-warnings"' in html and 'id="id_confirm_warnings"' in html
    token = page.context["token"]
    assert Organisation.objects.filter(name="Huddinge").count() == 1

    unticked = staff_client.post(reverse("organisations:import"), {"token": token})
    assert unticked.status_code == 200 and Organisation.objects.filter(name="Huddinge").count() == 1

    ticked = staff_client.post(reverse("organisations:import"), {"token": token, "confirm_warnings": "on"})
    assert ticked.status_code == 302
    assert Organisation.objects.filter(name="Huddinge").count() == 2
