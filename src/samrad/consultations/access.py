"""Who may see and do what with a consultation. Every page, endpoint and service asks here; a consultation or
response that the user may not see is "not found" (404), never "forbidden", so ids reveal nothing."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from samrad.accounts.models import Membership
from samrad.accounts.selectors import valid_memberships
from samrad.consultations.models import Consultation, Referral, Response

PUBLIC_STATUSES = (
    Consultation.Status.OPEN,
    Consultation.Status.CLOSED,
    Consultation.Status.COMPILED,
    Consultation.Status.PUBLISHED,
)


def _org_ids(user: Any, role: str | None = None) -> QuerySet[Membership, Any]:
    memberships = valid_memberships().filter(user=user, user__is_active=True)
    if role is not None:
        memberships = memberships.filter(role=role)
    return memberships.values("organisation_id")


def is_platform_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def consultations_managed_by(user: Any) -> QuerySet[Consultation]:
    """Consultations the user runs: sent by an organisation where they are a coordinator (staff: all)."""
    if not getattr(user, "is_authenticated", False):
        return Consultation.objects.none()
    if is_platform_staff(user):
        return Consultation.objects.all()
    return Consultation.objects.filter(
        sender_links__organisation_id__in=_org_ids(user, Membership.Role.COORDINATOR)
    ).distinct()


def can_manage(user: Any, consultation: Consultation) -> bool:
    return consultations_managed_by(user).filter(pk=consultation.pk).exists()


def consultation_get_managed(*, user: Any, pk: int) -> Consultation:
    try:
        return consultations_managed_by(user).get(pk=pk)
    except Consultation.DoesNotExist:
        raise Http404 from None


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    """What a user may read: everything past the draft stage (open and later), and what they manage (drafts
    included). Referral bodies see a consultation once it opens, like everyone else."""
    visible = Q(status__in=PUBLIC_STATUSES)
    if getattr(user, "is_authenticated", False):
        if is_platform_staff(user):
            return Consultation.objects.all()
        visible |= Q(sender_links__organisation_id__in=_org_ids(user, Membership.Role.COORDINATOR))
    return Consultation.objects.filter(visible).distinct()


def consultation_get_visible(*, user: Any, pk: int) -> Consultation:
    try:
        return consultations_visible_to(user).get(pk=pk)
    except Consultation.DoesNotExist:
        raise Http404 from None


def respondent_organisation_ids(user: Any) -> list[int]:
    """Organisations the user may answer for (respondents, and coordinators of a body that is itself consulted)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(_org_ids(user).values_list("organisation_id", flat=True))


def referral_get_for_respondent(*, user: Any, consultation_pk: int, organisation_pk: int) -> Referral:
    """The referral of one of the user's own organisations on an open-or-later consultation, else 404."""
    if organisation_pk not in respondent_organisation_ids(user):
        raise Http404
    try:
        return Referral.objects.select_related("consultation", "organisation").get(
            consultation_id=consultation_pk,
            organisation_id=organisation_pk,
            consultation__status__in=PUBLIC_STATUSES,
        )
    except Referral.DoesNotExist:
        raise Http404 from None


def response_get_for_respondent(*, user: Any, pk: int) -> Response:
    """A response the user's organisation owns or co-signs; anything else is 404."""
    org_ids = respondent_organisation_ids(user)
    try:
        return (
            Response.objects.select_related("consultation", "organisation")
            .filter(Q(organisation_id__in=org_ids) | Q(signatories__organisation_id__in=org_ids))
            .distinct()
            .get(pk=pk)
        )
    except Response.DoesNotExist:
        raise Http404 from None
