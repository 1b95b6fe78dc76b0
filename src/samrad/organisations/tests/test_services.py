"""Changes to the register: validated, permission-checked and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samrad.audit.models import AuditEvent
from samrad.audit.services import audit_verify
from samrad.organisations import services
from samrad.organisations.models import ContactPerson, Division, Group, Organisation
from samrad.organisations.tests.factories import (
    ContactPersonFactory,
    CountyFactory,
    GroupFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def test_a_coordinator_creates_an_organisation_and_the_log_says_so(coordinator):
    stockholm = CountyFactory.create(code="01")
    sodertorn = GroupFactory.create(name="Södertörn")

    org = services.organisation_create(
        actor=coordinator,
        kind=Organisation.Kind.MUNICIPALITY,
        name="  Botkyrka   kommun ",
        municipality_code="0127",
        organisation_number="2120002882",
        county=stockholm,
        groups=[sodertorn],
        registry_email="Registrator@BOTKYRKA.se",
        population=90675,
        population_year=2016,
    )

    assert (org.name, org.organisation_number, org.registry_email) == (
        "Botkyrka kommun",
        "212000-2882",
        "Registrator@botkyrka.se",
    )
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.actor_id == coordinator.pk
    assert event.object_id == str(org.pk)
    assert event.changes["municipality_code"] == [None, "0127"]
    assert event.changes["county_id"] == [None, stockholm.pk]
    assert event.changes["groups"] == [[], ["Södertörn"]]
    assert audit_verify().ok


def test_a_respondent_may_not_change_the_register(respondent):
    org = Organisation.objects.get(name="Testkommun")
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=respondent, organisation=org, data={"name": "Annat"})
    with pytest.raises(PermissionDenied):
        services.group_create(actor=respondent, name="Nätverket")
    assert not AuditEvent.objects.exists()


def test_a_duplicate_municipality_code_is_a_validation_error(coordinator):
    OrganisationFactory.create(municipality_code="0127")
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=coordinator, kind="municipality", name="Kopia", municipality_code="0127")
    assert "municipality_code" in caught.value.message_dict
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "agency", "municipality_code": "0127"}, "__all__"),
        ({"kind": "municipality", "municipality_code": "127"}, "municipality_code"),
        ({"kind": "agency", "organisation_number": "202100-5488"}, "organisation_number"),  # check digit
        ({"kind": "agency", "registry_email": "ingen-adress"}, "registry_email"),
        ({"kind": "agency", "population_year": 2016}, "__all__"),
        ({"kind": "rymdstation"}, "kind"),
    ],
)
def test_the_models_rules_hold_in_the_services(coordinator, fields, error_field):
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(actor=coordinator, name="Något", **fields)
    assert error_field in caught.value.message_dict


def test_an_update_logs_before_and_after_and_a_no_op_logs_nothing(coordinator):
    org = OrganisationFactory.create(name="Nacka", population=99000, population_year=2016)
    network = GroupFactory.create(name="Klimatnätverket", kind=Group.Kind.NETWORK)

    services.organisation_update(
        actor=coordinator, organisation=org, data={"population": 99359, "groups": [network], "name": "Nacka"}
    )
    services.organisation_update(actor=coordinator, organisation=org, data={"population": 99359, "groups": [network]})

    events = list(AuditEvent.objects.filter(action="organisation.update"))
    assert len(events) == 1
    assert events[0].changes == {"population": [99000, 99359], "groups": [[], ["Klimatnätverket"]]}


def test_an_update_compares_with_the_database_not_with_a_changed_instance(coordinator):
    org = OrganisationFactory.create(name="Solna")
    org.name = "Solna stad"  # as a bound ModelForm would have done before the service is called
    updated = services.organisation_update(actor=coordinator, organisation=org, data={"name": "Solna stad"})
    assert updated.name == "Solna stad"
    assert AuditEvent.objects.get(action="organisation.update").changes == {"name": ["Solna", "Solna stad"]}


def test_update_refuses_fields_it_does_not_know(coordinator):
    with pytest.raises(ValueError):
        services.organisation_update(actor=coordinator, organisation=OrganisationFactory.create(), data={"pk": 5})


def test_contacts_are_added_changed_and_removed_and_the_log_holds_no_personal_data(coordinator):
    org = Organisation.objects.get(name="Region Stockholm")  # the coordinator's own organisation
    contact = services.contact_add(
        actor=coordinator, organisation=org, name="Eva Ek", email="eva.ek@kommun.example.se", title="Kommunsekreterare"
    )
    services.contact_update(actor=coordinator, contact=contact, data={"email": "eva@kommun.example.se"})
    services.contact_remove(actor=coordinator, contact=contact)

    assert not ContactPerson.objects.exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["contact.add", "contact.update", "contact.remove"]
    logged = " ".join(str(event.changes) + event.object_label for event in AuditEvent.objects.all())
    assert "Eva" not in logged and "eva" not in logged
    assert AuditEvent.objects.get(action="contact.update").changes == {"email": "changed", "organisation_id": org.pk}


def test_only_members_or_platform_staff_change_where_an_organisations_mail_goes(coordinator):
    other = OrganisationFactory.create(registry_email="registrator@kommun.example.se")
    with pytest.raises(PermissionDenied):
        services.contact_add(actor=coordinator, organisation=other, name="Mallory", email="mallory@example.se")
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=coordinator, organisation=other, data={"registry_email": "m@example.se"})
    # The register's other facts stay open to every coordinator.
    services.organisation_update(actor=coordinator, organisation=other, data={"website": "https://kommun.example.se"})
    services.contact_add(actor="import", organisation=other, name="Eva Ek", email="eva@kommun.example.se")
    assert other.contacts.count() == 1


def test_mail_rules_are_checked_against_the_stored_rows_not_the_instance_passed_in(coordinator):
    """A caller's instance may already be changed (a bound form) or stale: the services decide by the database."""
    own = Organisation.objects.get(name="Region Stockholm")  # the coordinator's own organisation
    other = OrganisationFactory.create(registry_email="registrator@kommun.example.se")
    victim = ContactPersonFactory.create(organisation=other, email="eva@kommun.example.se")

    changed = Organisation.objects.get(pk=other.pk)
    changed.registry_email = "m@example.se"  # as OrganisationForm(request.POST, instance=...) leaves it
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=coordinator, organisation=changed, data={"registry_email": "m@example.se"})

    disguised = ContactPerson.objects.get(pk=victim.pk)
    disguised.organisation = own  # the instance says "my organisation's contact"; the row says otherwise
    with pytest.raises(PermissionDenied):
        services.contact_update(actor=coordinator, contact=disguised, data={"email": "mallory@example.se"})
    with pytest.raises(PermissionDenied):
        services.contact_remove(actor=coordinator, contact=disguised)

    other.refresh_from_db()
    victim.refresh_from_db()
    assert other.registry_email == "registrator@kommun.example.se"
    assert victim.email == "eva@kommun.example.se"
    assert not AuditEvent.objects.filter(action__in=["organisation.update", "contact.update", "contact.remove"])


def test_the_same_contact_twice_is_a_validation_error(coordinator):
    existing = ContactPersonFactory.create(
        email="eva@kommun.example.se", organisation=Organisation.objects.get(name="Region Stockholm")
    )
    with pytest.raises(ValidationError):
        services.contact_add(
            actor=coordinator, organisation=existing.organisation, name="Eva igen", email="eva@kommun.example.se"
        )


def test_the_proposed_division_stockholm_and_gotland(coordinator):
    stockholm, gotland = CountyFactory.create(code="01"), CountyFactory.create(code="09", name="Gotlands län")
    division = services.division_create(actor=coordinator, name="Stockholm + Gotland", counties=[stockholm, gotland])

    assert division.status == Division.Status.PROPOSED
    assert sorted(division.counties.values_list("code", flat=True)) == ["01", "09"]
    assert AuditEvent.objects.get(action="division.create").changes["counties"] == [[], ["01", "09"]]

    services.division_update(actor=coordinator, division=division, data={"status": Division.Status.DECIDED})
    assert AuditEvent.objects.get(action="division.update").changes == {"status": ["proposed", "decided"]}


def test_a_division_needs_a_county(coordinator):
    with pytest.raises(ValidationError):
        services.division_create(actor=coordinator, name="Tom", counties=[])


def test_a_group_name_is_unique(coordinator):
    services.group_create(actor=coordinator, name="Södertörn")
    with pytest.raises(ValidationError):
        services.group_create(actor=coordinator, name="Södertörn")
    group = services.group_update(actor=coordinator, group=Group.objects.get(), data={"name": "Södertörns kommuner"})
    assert group.name == "Södertörns kommuner"
