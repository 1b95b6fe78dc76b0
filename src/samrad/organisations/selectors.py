"""Reads of the register shared by the staff pages, the API and the consultation work.

List selectors return querysets whose related rows come in a fixed number of queries (county joined, groups
prefetched), whatever the page size.
"""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from samrad.organisations.models import ContactPerson, County, Division, Group, Organisation, OrganisationName

_Memberships = Organisation.groups.through


def kind_filter(kind: str | Iterable[str]) -> Q:
    """Organisations that take the role `kind` (or any of several kinds): as their kind or their second kind.

    Region Gotland is a municipality and a region at once: it is in every list of municipalities and of regions.
    Every filter by kind of organisation uses this (lists, counts, referral lists, invitations, the API); across a
    relation, prefix it: `Q(**{f"organisation__{k}": v for ...})` is `prefixed_kind_filter("organisation", kind)`.
    """
    kinds = [kind] if isinstance(kind, str) else [k for k in kind if k]
    return Q(kind__in=kinds) | Q(second_kind__in=kinds)


def prefixed_kind_filter(relation: str, kind: str | Iterable[str]) -> Q:
    """`kind_filter` across a relation, e.g. prefixed_kind_filter("organisation", "region") for referrals."""
    kinds = [kind] if isinstance(kind, str) else [k for k in kind if k]
    return Q(**{f"{relation}__kind__in": kinds}) | Q(**{f"{relation}__second_kind__in": kinds})


def _with_related(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.select_related("county").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name")),
        Prefetch("former_names", queryset=OrganisationName.objects.order_by("-valid_to")),
    )


def _group_filter(group: Group | int | str) -> Q:
    """Organisations in a group given as an instance, an id, or a name (case-insensitive)."""
    if isinstance(group, Group):
        groups = Group.objects.filter(pk=group.pk)
    elif isinstance(group, int) or (isinstance(group, str) and group.strip().isdigit()):
        groups = Group.objects.filter(Q(pk=int(group)) | Q(name__iexact=str(group).strip()))
    else:
        groups = Group.objects.filter(name__iexact=str(group).strip())
    return Q(pk__in=_Memberships.objects.filter(group__in=groups).values("organisation_id"))


def _division_filter(division: Division | int) -> Q:
    division_id = division.pk if isinstance(division, Division) else int(division)
    return Q(county__in=County.objects.filter(divisions__pk=division_id))


def name_search_filter(q: str) -> Q:
    """Organisations whose name, short name or any former name contains `q` (any case): a search for
    "Stockholms läns landsting" finds Region Stockholm."""
    term = q.strip()
    former = OrganisationName.objects.filter(name__icontains=term).values("organisation_id")
    return Q(name__icontains=term) | Q(short_name__icontains=term) | Q(pk__in=former)


def organisation_list(
    *,
    kind: str | None = None,
    county_code: str | None = None,
    group: Group | int | str | None = None,
    division: Division | int | None = None,
    q: str | None = None,
    active: bool | None = None,
) -> QuerySet[Organisation]:
    """The register, filtered; every filter left as None is not applied. Ordered by name."""
    queryset = Organisation.objects.all()
    if kind:
        queryset = queryset.filter(kind_filter(kind))
    if county_code:
        queryset = queryset.filter(county__code=county_code)
    if group is not None and group != "":
        queryset = queryset.filter(_group_filter(group))
    if division is not None:
        queryset = queryset.filter(_division_filter(division))
    if q and q.strip():
        queryset = queryset.filter(name_search_filter(q))
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return _with_related(queryset).order_by("name", "pk")


def organisation_get(organisation_id: int) -> Organisation | None:
    """One organisation with its county, groups, contact people and the number of people who belong to it."""
    queryset = _with_related(Organisation.objects.filter(pk=organisation_id)).prefetch_related(
        Prefetch("contacts", queryset=ContactPerson.objects.order_by("name"))
    )
    return queryset.annotate(membership_count=Count("memberships", distinct=True)).first()


def contact_get(*, organisation_id: int, contact_id: int) -> ContactPerson | None:
    """A contact person, only through the organisation they belong to."""
    return (
        ContactPerson.objects.select_related("organisation")
        .filter(pk=contact_id, organisation_id=organisation_id)
        .first()
    )


def _referral_filter(
    *,
    kinds: Iterable[str],
    county_codes: Iterable[str],
    group_ids: Iterable[int],
    division_ids: Iterable[int],
    ids: Iterable[int],
) -> Q | None:
    criteria = Q()
    any_criterion = False
    kinds, county_codes = [k for k in kinds if k], [c for c in county_codes if c]
    group_ids, division_ids, ids = list(group_ids), list(division_ids), list(ids)
    if kinds:
        criteria |= kind_filter(kinds)
        any_criterion = True
    if county_codes:
        criteria |= Q(county__code__in=county_codes)
        any_criterion = True
    if group_ids:
        criteria |= Q(pk__in=_Memberships.objects.filter(group_id__in=group_ids).values("organisation_id"))
        any_criterion = True
    if division_ids:
        criteria |= Q(county__in=County.objects.filter(divisions__pk__in=division_ids))
        any_criterion = True
    if ids:
        criteria |= Q(pk__in=ids)
        any_criterion = True
    return criteria if any_criterion else None


def organisations_for_referral(
    *,
    kinds: Iterable[str] = (),
    county_codes: Iterable[str] = (),
    group_ids: Iterable[int] = (),
    division_ids: Iterable[int] = (),
    ids: Iterable[int] = (),
) -> QuerySet[Organisation]:
    """Active organisations matching ANY of the criteria (their union), each once, ordered by name.

    E.g. kinds=["municipality"], county_codes=["01"] is every municipality anywhere plus every organisation in
    Stockholm County; group_ids=[södertörn.pk], ids=[region.pk] is the Södertörn municipalities and the region.
    No criteria at all selects nothing.
    """
    criteria = _referral_filter(
        kinds=kinds, county_codes=county_codes, group_ids=group_ids, division_ids=division_ids, ids=ids
    )
    if criteria is None:
        return Organisation.objects.none()
    return _with_related(Organisation.objects.filter(criteria, is_active=True)).order_by("name", "pk")


def organisations_for_referral_count(
    *,
    kinds: Iterable[str] = (),
    county_codes: Iterable[str] = (),
    group_ids: Iterable[int] = (),
    division_ids: Iterable[int] = (),
    ids: Iterable[int] = (),
) -> int:
    """How many organisations `organisations_for_referral` with the same criteria would pick (one query)."""
    criteria = _referral_filter(
        kinds=kinds, county_codes=county_codes, group_ids=group_ids, division_ids=division_ids, ids=ids
    )
    if criteria is None:
        return 0
    return Organisation.objects.filter(criteria, is_active=True).count()


def county_list() -> QuerySet[County]:
    """All counties by code, each with the number of organisations in it."""
    return County.objects.annotate(organisation_count=Count("organisations", distinct=True)).order_by("code")


def group_list(*, kind: str | None = None) -> QuerySet[Group]:
    """All groups by name, each with its number of member organisations."""
    queryset = Group.objects.annotate(organisation_count=Count("organisations", distinct=True))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name")


def group_get(*, group_id: int) -> Group | None:
    return Group.objects.filter(pk=group_id).first()


def division_list() -> QuerySet[Division]:
    """All divisions by name with their counties."""
    return Division.objects.prefetch_related(Prefetch("counties", queryset=County.objects.order_by("code"))).order_by(
        "name"
    )


def division_get(*, division_id: int) -> Division | None:
    return Division.objects.prefetch_related("counties").filter(pk=division_id).first()


def organisation_find_by_name(name: str) -> Organisation | None:
    """The organisation called `name` now, else the one that was called so (the newest such name); None if none."""
    current = Organisation.objects.filter(name__iexact=name.strip()).order_by("pk").first()
    if current is not None:
        return current
    former = (
        OrganisationName.objects.select_related("organisation")
        .filter(name__iexact=name.strip())
        .order_by("-valid_to", "pk")
        .first()
    )
    return former.organisation if former is not None else None
