"""The organisation register as open data: organisations, counties, groups and divisions.

Everything here is public information about public bodies (the registry e-mail is where formal mail goes), so the
endpoints need no login. Each list answers in a fixed number of queries whatever the page size.
"""

import re
from datetime import date
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic_core import PydanticCustomError

from samrad.api.errors import not_found, responses
from samrad.api.fields import ID, MAX_ID, SearchText
from samrad.organisations import selectors
from samrad.organisations.models import Division, Group, Organisation

router = Router(tags=["organisations"])
# Mounted at the API's root: /api/v1/counties, /api/v1/groups, /api/v1/divisions.
geography_router = Router(tags=["geography"])

MAX_LIMIT = 500
MAX_OFFSET = 100_000


class OrganisationKind(StrEnum):
    """The kind of organisation (Organisation.Kind); its label in the language of the request is `kind_label`."""

    MUNICIPALITY = Organisation.Kind.MUNICIPALITY.value
    REGION = Organisation.Kind.REGION.value
    COUNTY_COUNCIL = Organisation.Kind.COUNTY_COUNCIL.value
    COUNTY_BOARD = Organisation.Kind.COUNTY_BOARD.value
    AGENCY = Organisation.Kind.AGENCY.value
    ASSOCIATION = Organisation.Kind.ASSOCIATION.value
    COMPANY = Organisation.Kind.COMPANY.value
    OTHER = Organisation.Kind.OTHER.value


class GroupKind(StrEnum):
    """The kind of group of organisations (Group.Kind)."""

    SUBREGION = Group.Kind.SUBREGION.value
    NETWORK = Group.Kind.NETWORK.value
    OTHER = Group.Kind.OTHER.value


class DivisionStatus(StrEnum):
    """Whether a division of counties is a proposal or has been decided (Division.Status)."""

    PROPOSED = Division.Status.PROPOSED.value
    DECIDED = Division.Status.DECIDED.value


class FormerNameOut(Schema):
    name: str
    valid_from: date | None = Field(description="The first day of the name, when known.")
    valid_to: date = Field(description="The last day the name was used.")


class OrganisationOut(Schema):
    id: int
    name: str = Field(description="The current name (see name_valid_from and former_names).")
    name_valid_from: date | None = Field(description="The first day of the current name, if it has changed.")
    former_names: list[FormerNameOut] = Field(
        description="Names the organisation had before, newest first (e.g. Stockholms läns landsting until 2018)."
    )
    short_name: str
    kind: OrganisationKind
    kind_label: str
    second_kind: OrganisationKind | None = Field(
        description="A second role of the same body, e.g. region for Region Gotland (kind municipality)."
    )
    kinds: list[OrganisationKind] = Field(
        description="Every role: kind, then second_kind if any. The kind filter matches any of them."
    )
    municipality_code: str | None
    county_code: str | None
    county_name: str | None
    organisation_number: str
    groups: list[str]
    population: int | None
    population_year: int | None
    registry_email: str
    website: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_kinds(obj: Organisation) -> list[str]:
        return obj.kinds

    @staticmethod
    def resolve_former_names(obj: Organisation) -> list[Any]:
        return list(obj.former_names.all())

    @staticmethod
    def resolve_county_code(obj: Organisation) -> str | None:
        return obj.county.code if obj.county else None

    @staticmethod
    def resolve_county_name(obj: Organisation) -> str | None:
        return obj.county.name if obj.county else None

    @staticmethod
    def resolve_groups(obj: Organisation) -> list[str]:
        return [group.name for group in obj.groups.all()]


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int = Field(description="How many organisations match the filters (all pages together).")
    limit: int
    offset: int


_ANNOTATIONS = ("title", "description", "default", "examples")


def _empty_is_allowed(schema: dict[str, Any]) -> None:
    """Document what `empty_means_not_given` does: each parameter may also be given empty ("")."""
    properties = schema.get("properties", {})
    for name, details in properties.items():
        annotations = {key: details[key] for key in _ANNOTATIONS if key in details}
        constraints = {key: value for key, value in details.items() if key not in (*_ANNOTATIONS, "anyOf")}
        given = [
            {**alternative, **constraints}
            for alternative in details.get("anyOf", [{}])
            if alternative != {"type": "null"}
        ]
        properties[name] = {**annotations, "anyOf": [*given, {"const": ""}]}


class OrganisationFilters(BaseModel):
    model_config = ConfigDict(json_schema_extra=_empty_is_allowed)

    kind: OrganisationKind | None = Field(
        None, description="Only organisations of this kind, as their kind or their second kind."
    )
    county: str | None = Field(
        None,
        description="Two-digit county code (länskod), e.g. 01 for Stockholms län.",
        examples=["01"],
        json_schema_extra={"pattern": "^[0-9]{2}$"},
    )
    group: SearchText | None = Field(None, description="A group (e.g. a subregion such as Södertörn) by name or id.")
    division: int | None = Field(None, ge=1, le=MAX_ID, description="A division's id: organisations in its counties.")
    q: SearchText | None = Field(None, description="Part of the name, short name or a former name, any case.")
    active: bool | None = Field(None, description="true: only active organisations; false: only inactive ones.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many matching organisations to skip.")

    @model_validator(mode="before")
    @classmethod
    def empty_means_not_given(cls, data: Any) -> Any:
        """?kind=&county= (as an HTML form sends) filters nothing rather than failing."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data

    @field_validator("county")
    @classmethod
    def county_is_a_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[0-9]{2}", value):
            raise PydanticCustomError("county_code", "must be a two-digit county code such as 01")
        return value


@router.get("", response=responses(OrganisationPage, 400), summary="List organisations", url_name="organisation_list")
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> dict:
    """The register, filtered and paginated by limit/offset, ordered by name. A parameter given empty (as an HTML
    form sends it) is the same as one not given."""
    queryset = selectors.organisation_list(
        kind=filters.kind,
        county_code=filters.county,
        group=filters.group,
        division=filters.division,
        q=filters.q,
        active=filters.active,
    )
    items = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"items": items, "count": queryset.count(), "limit": filters.limit, "offset": filters.offset}


@router.get(
    "/{organisation_id}",
    response=responses(OrganisationOut, 400, 404),
    summary="One organisation",
    url_name="organisation_detail",
)
def organisation_detail(request: HttpRequest, organisation_id: ID) -> Organisation:
    organisation = selectors.organisation_list().filter(pk=organisation_id).first()
    if organisation is None:
        raise not_found(_("No organisation has id %(id)s.") % {"id": organisation_id})
    return organisation


class CountyOut(Schema):
    code: str
    name: str
    organisation_count: int


class GroupOut(Schema):
    id: int
    name: str
    kind: GroupKind
    description: str
    organisation_count: int


class DivisionOut(Schema):
    id: int
    name: str
    status: DivisionStatus
    description: str
    county_codes: list[str]

    @staticmethod
    def resolve_county_codes(obj: Division) -> list[str]:
        return [county.code for county in obj.counties.all()]


@geography_router.get(
    "/counties", response=responses(list[CountyOut], 400), summary="List counties", url_name="county_list"
)
def county_list(request: HttpRequest) -> object:
    return selectors.county_list()


@geography_router.get("/groups", response=responses(list[GroupOut], 400), summary="List groups", url_name="group_list")
def group_list(request: HttpRequest, kind: GroupKind | None = None) -> object:
    """Subregions, networks and other groups, each with its number of member organisations."""
    return selectors.group_list(kind=kind)


@geography_router.get(
    "/divisions", response=responses(list[DivisionOut], 400), summary="List divisions", url_name="division_list"
)
def division_list(request: HttpRequest) -> object:
    """Named groupings of counties, e.g. the proposed "Stockholm + Gotland"."""
    return selectors.division_list()
