"""Reads of the knowledge base shared by the pages and the API: who may read and who may curate what."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from samrad.accounts.models import Membership
from samrad.accounts.selectors import organisations_for_user, user_is_coordinator
from samrad.consultations.access import is_platform_staff
from samrad.library.models import LibraryDocument, Tag
from samrad.organisations.models import Organisation


def library_documents_visible_to(user: Any) -> QuerySet[LibraryDocument]:
    """Public documents; for coordinators all; for members of an organisation, those shared with it."""
    documents = LibraryDocument.objects.all()
    if is_platform_staff(user) or user_is_coordinator(user):
        return documents
    visible = Q(visibility=LibraryDocument.Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        shared = LibraryDocument.readers.through.objects.filter(
            organisation_id__in=organisations_for_user(user).values("pk")
        ).values("librarydocument_id")
        visible |= Q(visibility=LibraryDocument.Visibility.ORGANISATIONS, pk__in=shared)
    return documents.filter(visible)


def _with_details(documents: QuerySet[LibraryDocument]) -> QuerySet[LibraryDocument]:
    return documents.select_related("organisation", "file").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")), "consultations", "dialogue_series", "readers"
    )


def library_document_list(
    *,
    user: Any,
    kind: str | None = None,
    tag: str | None = None,
    organisation_id: int | None = None,
    consultation_id: int | None = None,
    dialogue_series_id: int | None = None,
    text: str | None = None,
) -> QuerySet[LibraryDocument]:
    """The documents `user` may read, filtered, newest publication first."""
    documents = library_documents_visible_to(user)
    if kind:
        documents = documents.filter(kind=kind)
    if tag:
        documents = documents.filter(tags__name__iexact=tag)
    if organisation_id is not None:
        documents = documents.filter(organisation_id=organisation_id)
    if consultation_id is not None:
        documents = documents.filter(consultations__id=consultation_id)
    if dialogue_series_id is not None:
        documents = documents.filter(dialogue_series__id=dialogue_series_id)
    if text:
        documents = documents.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    return _with_details(documents.distinct()).order_by("-published_on", "-id")


def library_document_get_visible(*, user: Any, pk: int) -> LibraryDocument:
    document = _with_details(library_documents_visible_to(user)).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def _coordinator_organisation_ids(user: Any) -> QuerySet[Organisation, Any]:
    return organisations_for_user(user, role=Membership.Role.COORDINATOR).values("pk")


def library_documents_curated_by(user: Any) -> QuerySet[LibraryDocument]:
    """What a coordinator may change: documents of the organisations they coordinate for, and documents of no
    organisation (platform staff: all)."""
    if is_platform_staff(user):
        return LibraryDocument.objects.all()
    if not user_is_coordinator(user):
        return LibraryDocument.objects.none()
    return LibraryDocument.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=_coordinator_organisation_ids(user))
    )


def library_document_get_curated(*, user: Any, pk: int) -> LibraryDocument:
    document = _with_details(library_documents_curated_by(user)).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def may_curate(user: Any, organisation: Organisation | None) -> bool:
    """Whether `user` may add or change documents of `organisation` (None: of no particular organisation)."""
    if is_platform_staff(user):
        return True
    if not user_is_coordinator(user):
        return False
    return organisation is None or _coordinator_organisation_ids(user).filter(pk=organisation.pk).exists()


def library_organisations_for(user: Any) -> QuerySet[Organisation]:
    """The organisations a curator may put behind a document."""
    if is_platform_staff(user):
        return Organisation.objects.filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=_coordinator_organisation_ids(user)).order_by("name")


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.filter(documents__isnull=False).distinct().order_by("name")
