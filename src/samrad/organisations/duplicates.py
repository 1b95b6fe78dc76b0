"""Warnings when an organisation being added or changed looks like one already in the register.

The same name, organisation number or registry address on two records is usually one body entered twice (as
Region Gotland once was: a municipality record and a region record with one registry). It is not always wrong (two
associations may share a registry), so these are warnings that a person confirms, never errors.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from samrad.organisations.models import Organisation, OrganisationName, normalise_email, normalise_spaces


@dataclass(frozen=True)
class DuplicateWarning:
    field: str  # "name", "organisation_number" or "registry_email"
    other_id: int
    other_name: str
    message: str


def _message(field: str, value: str, other: str) -> str:
    if field == "name":
        return _("Another organisation in the register is or was called “%(value)s”: %(other)s.") % {
            "value": value,
            "other": other,
        }
    if field == "organisation_number":
        return _("Another organisation in the register has organisation number %(value)s: %(other)s.") % {
            "value": value,
            "other": other,
        }
    return _("Another organisation in the register has the registry address %(value)s: %(other)s.") % {
        "value": value,
        "other": other,
    }


def duplicate_warnings(
    *,
    name: str = "",
    organisation_number: str = "",
    registry_email: str = "",
    exclude_ids: Iterable[int] = (),
) -> list[DuplicateWarning]:
    """What the given values share with other organisations in the register (one query for the organisations,
    one for former names). Names compare without regard to case and spacing, addresses without case."""
    name = normalise_spaces(name)
    registry_email = normalise_email(registry_email)
    organisation_number = (organisation_number or "").strip()
    criteria = Q(pk__in=[])
    if name:
        former = OrganisationName.objects.filter(name__iexact=name).values("organisation_id")
        criteria |= Q(name__iexact=name) | Q(pk__in=former)
    if organisation_number:
        criteria |= Q(organisation_number=organisation_number)
    if registry_email:
        criteria |= Q(registry_email__iexact=registry_email)
    excluded = [pk for pk in exclude_ids if pk]
    others = list(Organisation.objects.filter(criteria).exclude(pk__in=excluded).order_by("name", "pk"))
    formerly_named: set[int] = set()
    if name and others:
        formerly_named = set(
            OrganisationName.objects.filter(name__iexact=name, organisation__in=others).values_list(
                "organisation_id", flat=True
            )
        )
    warnings = []
    for other in others:
        label = f"{other.name} ({other.municipality_code})" if other.municipality_code else other.name
        found = []
        if name and (other.name.casefold() == name.casefold() or other.pk in formerly_named):
            found.append(("name", name))
        if organisation_number and other.organisation_number == organisation_number:
            found.append(("organisation_number", organisation_number))
        if registry_email and other.registry_email.casefold() == registry_email.casefold():
            found.append(("registry_email", registry_email))
        warnings += [
            DuplicateWarning(field, other.pk, other.name, _message(field, value, label)) for field, value in found
        ]
    order = {"name": 0, "organisation_number": 1, "registry_email": 2}
    return sorted(warnings, key=lambda warning: (order[warning.field], warning.other_name, warning.other_id))
