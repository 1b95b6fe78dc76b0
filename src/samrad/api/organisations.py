"""The organisation register as open data: organisations, counties, groups and divisions.

Everything here is public information about public bodies (the registry e-mail is where formal mail goes), so the
endpoints need no login. Each list answers in a fixed number of queries whatever the page size.
"""

import re
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel, field_validator, model_validator
from pydantic_core import PydanticCustomError

from samrad.organisations import selectors
from samrad.organisations.models import Division, Group, Organisation

router = Router(tags=["organisations"])
# Mounted at the API's root: /api/v1/counties, /api/v1/groups, /api/v1/divisions.
geography_router = Router(tags=["geography"])

MAX_LIMIT = 500
MAX_OFFSET = 100_000


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: Organisation.Kind
    kind_label: str
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


class OrganisationFilters(BaseModel):
    kind: Organisation.Kind | None = Field(None, description="Only organisations of this kind.")
    county: str | None = Field(
        None,
        description="Two-digit county code (länskod), e.g. 01 for Stockholms län.",
        examples=["01"],
        json_schema_extra={"pattern": "^[0-9]{2}$"},
    )
    group: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        None, description="A group (e.g. a subregion such as Södertörn) by name or id."
    )
    division: int | None = Field(None, ge=1, description="A division's id: organisations in its counties.")
    q: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="Part of the name or short name, any case."
    )
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


class ErrorOut(Schema):
    detail: str


@router.get("", response=OrganisationPage, summary="List organisations", url_name="organisation_list")
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> dict:
    """The register, filtered and paginated by limit/offset, ordered by name."""
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
    response={200: OrganisationOut, 404: ErrorOut},
    summary="One organisation",
    url_name="organisation_detail",
)
def organisation_detail(
    request: HttpRequest, organisation_id: Annotated[int, Field(ge=1, le=2**63 - 1)]
) -> Organisation:
    organisation = selectors.organisation_list().filter(pk=organisation_id).first()
    if organisation is None:
        raise HttpError(404, f"No organisation has id {organisation_id}.")
    return organisation


class CountyOut(Schema):
    code: str
    name: str
    organisation_count: int


class GroupOut(Schema):
    id: int
    name: str
    kind: Group.Kind
    description: str
    organisation_count: int


class DivisionOut(Schema):
    id: int
    name: str
    status: Division.Status
    description: str
    county_codes: list[str]

    @staticmethod
    def resolve_county_codes(obj: Division) -> list[str]:
        return [county.code for county in obj.counties.all()]


@geography_router.get("/counties", response=list[CountyOut], summary="List counties", url_name="county_list")
def county_list(request: HttpRequest) -> object:
    return selectors.county_list()


@geography_router.get("/groups", response=list[GroupOut], summary="List groups", url_name="group_list")
def group_list(request: HttpRequest, kind: Group.Kind | None = None) -> object:
    """Subregions, networks and other groups, each with its number of member organisations."""
    return selectors.group_list(kind=kind)


@geography_router.get("/divisions", response=list[DivisionOut], summary="List divisions", url_name="division_list")
def division_list(request: HttpRequest) -> object:
    """Named groupings of counties, e.g. the proposed "Stockholm + Gotland"."""
    return selectors.division_list()
