"""Every change to the register: organisations, their contact people, groups, divisions and counties.

Each function checks that the actor may curate the register, validates with the model's own rules, runs in one
transaction and writes its audit event. `actor` is a user, or None / a label such as "import" when the system
itself acts (the import command, the demo loader). An update that changes nothing writes nothing and logs nothing.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samrad.actors import ACT_FOR_ORGANISATION, COORDINATE, Actor, may
from samrad.audit.services import audit_record, model_changes
from samrad.dates import check_date_in_range
from samrad.errors import InvalidInput
from samrad.organisations.models import (
    ContactPerson,
    County,
    Division,
    Group,
    Organisation,
    OrganisationName,
    normalise_email,
    normalise_organisation_number,
    normalise_spaces,
)

ORGANISATION_FIELDS = [
    "kind",
    "second_kind",
    "name",
    "short_name",
    "organisation_number",
    "municipality_code",
    "county",
    "registry_email",
    "website",
    "population",
    "population_year",
    "is_active",
]
CONTACT_FIELDS = ["name", "email", "title", "phone"]
# Contact people are private individuals: the append-only log names which of these changed, never their values.
CONTACT_PERSONAL_FIELDS = {"name", "email", "phone"}
GROUP_FIELDS = ["name", "kind", "description"]
DIVISION_FIELDS = ["name", "status", "description"]
COUNTY_FIELDS = ["code", "name"]


def _check_can_curate(actor: Actor) -> None:
    if not may(actor, COORDINATE):
        raise PermissionDenied(_("Only coordinators may change the organisation register."))


def _check_can_direct_mail(actor: Actor, organisation: Organisation) -> None:
    """Where an organisation's mail goes (its registry address, its contact people) decides who receives its
    invitations, receipts and personal login links: only the organisation's own coordinators and registry,
    platform staff or the system may change it (a respondent may not). Otherwise any coordinator could route
    another body's mail, and through the invitations a respondent membership of it, to themselves."""
    if not may(actor, ACT_FOR_ORGANISATION, organisation):
        raise PermissionDenied(
            _(
                "Only the organisation's own coordinators, its registry or platform staff may change where its "
                "mail goes."
            )
        )


def _audit_fields(fields: list[str]) -> list[str]:
    """Foreign keys are logged by id ("county_id"), so that the log holds plain values."""
    return [f"{name}_id" if name == "county" else name for name in fields]


def _snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in _audit_fields(fields)}


def _normalise_organisation(organisation: Organisation) -> None:
    organisation.name = normalise_spaces(organisation.name)
    organisation.short_name = normalise_spaces(organisation.short_name)
    organisation.organisation_number = normalise_organisation_number(organisation.organisation_number or "")
    organisation.municipality_code = (organisation.municipality_code or "").strip() or None
    organisation.second_kind = organisation.second_kind or None
    organisation.registry_email = normalise_email(organisation.registry_email)
    organisation.website = (organisation.website or "").strip()


def _save_organisation(organisation: Organisation) -> None:
    """Validate with the model's rules and save; a unique clash that slips past validation (a concurrent save of
    the same municipality code) becomes a ValidationError, never a server error."""
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        code = organisation.municipality_code
        clash = Organisation.objects.filter(municipality_code=code).exclude(pk=organisation.pk).exists()
        if code and clash:
            raise ValidationError(
                {
                    "municipality_code": _("Another organisation already has municipality code %(code)s.")
                    % {"code": code}
                }
            ) from error
        raise


def _group_names(groups: Iterable[Group]) -> list[str]:
    return sorted(group.name for group in groups)


def organisation_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    second_kind: str | None = None,
    short_name: str = "",
    organisation_number: str = "",
    municipality_code: str | None = None,
    county: County | None = None,
    groups: Iterable[Group] = (),
    registry_email: str = "",
    website: str = "",
    population: int | None = None,
    population_year: int | None = None,
    is_active: bool = True,
) -> Organisation:
    """Add an organisation to the register."""
    _check_can_curate(actor)
    organisation = Organisation(
        kind=kind,
        second_kind=second_kind,
        name=name,
        short_name=short_name,
        organisation_number=organisation_number,
        municipality_code=municipality_code,
        county=county,
        registry_email=registry_email,
        website=website,
        population=population,
        population_year=population_year,
        is_active=is_active,
    )
    _normalise_organisation(organisation)
    group_list = list(groups)
    with transaction.atomic():
        _save_organisation(organisation)
        organisation.groups.set(group_list)
        changes = model_changes(organisation, _audit_fields(ORGANISATION_FIELDS), None)
        changes["groups"] = [[], _group_names(group_list)]
        audit_record(actor=actor, action="organisation.create", target=organisation, changes=changes)
    return organisation


def organisation_update(*, actor: Actor, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    """Change some of an organisation's fields (any of ORGANISATION_FIELDS, and "groups": the full new list).

    Works on a fresh, locked copy from the database, so that an instance already changed by a bound ModelForm
    still yields the right before/after in the log, and every rule is checked against what is stored: the
    `organisation` passed in is used for its primary key only. Returns that copy.
    """
    unknown = set(data) - set(ORGANISATION_FIELDS) - {"groups"}
    if unknown:
        raise ValueError(f"organisation_update does not change {sorted(unknown)}")
    _check_can_curate(actor)
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = _snapshot(current, ORGANISATION_FIELDS)
        for name, value in data.items():
            if name != "groups":
                setattr(current, name, value)
        _normalise_organisation(current)
        if current.registry_email != before["registry_email"]:
            # Compared with the stored address: a bound ModelForm has already put the new one on `organisation`.
            _check_can_direct_mail(actor, current)
        changes = model_changes(current, _audit_fields(ORGANISATION_FIELDS), before)
        if "groups" in data:
            old_groups = _group_names(current.groups.all())
            new_group_list = list(data["groups"])
            new_groups = _group_names(new_group_list)
            if old_groups != new_groups:
                changes["groups"] = [old_groups, new_groups]
        if not changes:
            return current
        _save_organisation(current)
        if "groups" in changes:
            current.groups.set(new_group_list)
        audit_record(actor=actor, action="organisation.update", target=current, changes=changes)
    return current


def _contact_audit_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: "changed" if name in CONTACT_PERSONAL_FIELDS else values for name, values in changes.items()}


def _save_contact(contact: ContactPerson) -> None:
    contact.name = normalise_spaces(contact.name)
    contact.email = normalise_email(contact.email)
    contact.title = (contact.title or "").strip()
    contact.phone = (contact.phone or "").strip()
    contact.full_clean()
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("This organisation already has a contact person with that e-mail address.")}
        ) from error


def _contact_locked(contact: ContactPerson) -> ContactPerson:
    """The stored contact, locked, with its organisation as stored."""
    return ContactPerson.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=contact.pk)


def contact_add(
    *, actor: Actor, organisation: Organisation, name: str, email: str, title: str = "", phone: str = ""
) -> ContactPerson:
    """Add a person who should receive consultation mail besides the organisation's registry."""
    _check_can_curate(actor)
    _check_can_direct_mail(actor, organisation)
    contact = ContactPerson(organisation=organisation, name=name, email=email, title=title, phone=phone)
    with transaction.atomic():
        _save_contact(contact)
        changes = _contact_audit_changes(model_changes(contact, CONTACT_FIELDS, None))
        changes["organisation_id"] = organisation.pk
        audit_record(
            actor=actor,
            action="contact.add",
            object_type=contact._meta.label_lower,
            object_id=contact.pk,
            changes=changes,
        )
    return contact


def contact_update(*, actor: Actor, contact: ContactPerson, data: dict[str, Any]) -> ContactPerson:
    """Change a contact person's name, e-mail, title or phone."""
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"contact_update does not change {sorted(unknown)}")
    _check_can_curate(actor)
    with transaction.atomic():
        current = _contact_locked(contact)
        # Whose contact it is, as stored: not the organisation the caller's instance points at.
        _check_can_direct_mail(actor, current.organisation)
        before = _snapshot(current, CONTACT_FIELDS)
        for name, value in data.items():
            setattr(current, name, value)
        _save_contact(current)
        changes = model_changes(current, CONTACT_FIELDS, before)
        if changes:
            audit_changes = _contact_audit_changes(changes)
            audit_changes["organisation_id"] = current.organisation_id
            audit_record(
                actor=actor,
                action="contact.update",
                object_type=current._meta.label_lower,
                object_id=current.pk,
                changes=audit_changes,
            )
    return current


def contact_remove(*, actor: Actor, contact: ContactPerson) -> None:
    """Remove a contact person from their organisation."""
    _check_can_curate(actor)
    with transaction.atomic():
        current = _contact_locked(contact)
        _check_can_direct_mail(actor, current.organisation)
        contact_id, organisation_id = current.pk, current.organisation_id
        ContactPerson.objects.filter(pk=contact_id).delete()
        audit_record(
            actor=actor,
            action="contact.remove",
            object_type=ContactPerson._meta.label_lower,
            object_id=contact_id,
            changes={"organisation_id": organisation_id},
        )


def _save_validated(instance: models.Model, *, unique_field: str = "name") -> None:
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError({unique_field: _("That name is already taken.")}) from error


def group_create(*, actor: Actor, name: str, kind: str = Group.Kind.SUBREGION, description: str = "") -> Group:
    """Create a subregion (delregion), network or other group of organisations."""
    _check_can_curate(actor)
    group = Group(name=normalise_spaces(name), kind=kind, description=description.strip())
    with transaction.atomic():
        _save_validated(group)
        audit_record(actor=actor, action="group.create", target=group, changes=model_changes(group, GROUP_FIELDS, None))
    return group


def group_update(*, actor: Actor, group: Group, data: dict[str, Any]) -> Group:
    """Rename a group, or change its kind or description."""
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"group_update does not change {sorted(unknown)}")
    _check_can_curate(actor)
    with transaction.atomic():
        current = Group.objects.select_for_update().get(pk=group.pk)
        before = _snapshot(current, GROUP_FIELDS)
        for name, value in data.items():
            setattr(current, name, value)
        current.name = normalise_spaces(current.name)
        changes = model_changes(current, GROUP_FIELDS, before)
        if changes:
            _save_validated(current)
            audit_record(actor=actor, action="group.update", target=current, changes=changes)
    return current


def _county_codes(counties: Iterable[County]) -> list[str]:
    return sorted(county.code for county in counties)


def division_create(
    *,
    actor: Actor,
    name: str,
    counties: Iterable[County],
    status: str = Division.Status.PROPOSED,
    description: str = "",
) -> Division:
    """Create a named grouping of counties, e.g. the proposed "Stockholm + Gotland" of counties 01 and 09."""
    _check_can_curate(actor)
    county_list = list(counties)
    if not county_list:
        raise ValidationError({"counties": _("Choose at least one county.")})
    division = Division(name=normalise_spaces(name), status=status, description=description.strip())
    with transaction.atomic():
        _save_validated(division)
        division.counties.set(county_list)
        changes = model_changes(division, DIVISION_FIELDS, None)
        changes["counties"] = [[], _county_codes(county_list)]
        audit_record(actor=actor, action="division.create", target=division, changes=changes)
    return division


def division_update(*, actor: Actor, division: Division, data: dict[str, Any]) -> Division:
    """Rename a division, change its status or description, or its counties ("counties": the full new list)."""
    unknown = set(data) - set(DIVISION_FIELDS) - {"counties"}
    if unknown:
        raise ValueError(f"division_update does not change {sorted(unknown)}")
    _check_can_curate(actor)
    with transaction.atomic():
        current = Division.objects.select_for_update().get(pk=division.pk)
        before = _snapshot(current, DIVISION_FIELDS)
        for name, value in data.items():
            if name != "counties":
                setattr(current, name, value)
        current.name = normalise_spaces(current.name)
        changes = model_changes(current, DIVISION_FIELDS, before)
        if "counties" in data:
            new_counties = list(data["counties"])
            if not new_counties:
                raise ValidationError({"counties": _("Choose at least one county.")})
            old_codes, new_codes = _county_codes(current.counties.all()), _county_codes(new_counties)
            if old_codes != new_codes:
                changes["counties"] = [old_codes, new_codes]
        if changes:
            _save_validated(current)
            if "counties" in changes:
                current.counties.set(new_counties)
            audit_record(actor=actor, action="division.update", target=current, changes=changes)
    return current


def county_create(*, actor: Actor, code: str, name: str) -> County:
    """Add a county (län) by its two-digit SCB code."""
    _check_can_curate(actor)
    county = County(code=code.strip(), name=normalise_spaces(name))
    with transaction.atomic():
        _save_validated(county, unique_field="code")
        audit_record(
            actor=actor, action="county.create", target=county, changes=model_changes(county, COUNTY_FIELDS, None)
        )
    return county


def county_rename(*, actor: Actor, county: County, name: str) -> County:
    """Give a county a new name (its code never changes)."""
    _check_can_curate(actor)
    with transaction.atomic():
        current = County.objects.select_for_update().get(pk=county.pk)
        before = _snapshot(current, COUNTY_FIELDS)
        current.name = normalise_spaces(name)
        changes = model_changes(current, COUNTY_FIELDS, before)
        if changes:
            _save_validated(current, unique_field="code")
            audit_record(actor=actor, action="county.update", target=current, changes=changes)
    return current


def organisation_rename(
    *, actor: Actor, organisation: Organisation, new_name: str, valid_from: dt.date
) -> Organisation:
    """Give an organisation a new name from a day (e.g. Stockholms läns landsting became Region Stockholm on 1
    January 2019): the old name goes to its former names, valid until the day before, so that consultations of
    its time still show it and searches find it. A typo is corrected on the edit page instead."""
    _check_can_curate(actor)
    name = normalise_spaces(new_name)
    if not name:
        raise InvalidInput(_("Give the new name."), field="new_name")
    check_date_in_range(valid_from, field="valid_from")
    if valid_from > timezone.localdate():
        raise InvalidInput(_("A new name can be recorded from its first day, not before."), field="valid_from")
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if name == current.name:
            raise InvalidInput(_("That is already the organisation's name."), field="new_name")
        last_end = current.former_names.aggregate(last=models.Max("valid_to"))["last"]
        known = [day for day in (current.name_valid_from, last_end) if day is not None]
        earliest = max(known) if known else None
        if earliest is not None and valid_from <= earliest:
            raise InvalidInput(
                _("The new name must take effect after %(date)s, when the current name was already in use.")
                % {"date": date_format(earliest, "j F Y")},
                field="valid_from",
            )
        old_name, old_from = current.name, current.name_valid_from
        former = OrganisationName(
            organisation=current, name=old_name, valid_from=old_from, valid_to=valid_from - dt.timedelta(days=1)
        )
        former.full_clean()
        former.save()
        current.name, current.name_valid_from = name, valid_from
        _save_organisation(current)
        audit_record(
            actor=actor,
            action="organisation.rename",
            target=current,
            changes={
                "name": [old_name, name],
                "name_valid_from": [old_from, valid_from],
                "former_name_id": former.pk,
            },
        )
    return current
