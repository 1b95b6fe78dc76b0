"""Who may see and do what in a dialogue. Pages, the API and the services all ask here.

- A series is *managed* by the coordinators of its organisers (and by platform staff).
- A series is *visible* to everyone if it is public; otherwise to its managers and to the members of the
  organisations invited to it. A series (or meeting) someone may not see is "not found" (404), never
  "forbidden", so that ids reveal nothing.
- A meeting is *open to* an organisation that is invited to the series and that the meeting is for (its groups
  or organisations; a meeting for nobody in particular is for every invited organisation).
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from samrad.accounts.models import Membership
from samrad.dialogue.models import DialogueSeries, Meeting
from samrad.organisations.models import Organisation


def is_platform_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or user.is_superuser))


def _memberships(user: Any, role: str | None = None) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(user=user, user__is_active=True)
    if role is not None:
        memberships = memberships.filter(role=role)
    return memberships


def member_organisation_ids(user: Any) -> QuerySet[Membership, Any]:
    """The ids (as a subquery) of the organisations the user belongs to, in any role."""
    return _memberships(user).values("organisation_id")


def series_managed_by(user: Any) -> QuerySet[DialogueSeries]:
    if not getattr(user, "is_authenticated", False):
        return DialogueSeries.objects.none()
    if is_platform_staff(user):
        return DialogueSeries.objects.all()
    coordinator_of = _memberships(user, Membership.Role.COORDINATOR).values("organisation_id")
    return DialogueSeries.objects.filter(
        pk__in=DialogueSeries.organisers.through.objects.filter(organisation_id__in=coordinator_of).values(
            "dialogueseries_id"
        )
    )


def series_visible_to(user: Any) -> QuerySet[DialogueSeries]:
    visible = Q(visibility=DialogueSeries.Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        if is_platform_staff(user):
            return DialogueSeries.objects.all()
        visible |= Q(pk__in=series_managed_by(user).values("pk"))
        visible |= Q(invitations__organisation_id__in=member_organisation_ids(user))
    return DialogueSeries.objects.filter(visible).distinct()


def series_invited_for(user: Any) -> QuerySet[DialogueSeries]:
    """Series that one of the user's organisations is invited to (public or not)."""
    if not getattr(user, "is_authenticated", False):
        return DialogueSeries.objects.none()
    return DialogueSeries.objects.filter(invitations__organisation_id__in=member_organisation_ids(user)).distinct()


def can_manage(user: Any, series: DialogueSeries) -> bool:
    return series_managed_by(user).filter(pk=series.pk).exists()


def can_view(user: Any, series: DialogueSeries) -> bool:
    return series_visible_to(user).filter(pk=series.pk).exists()


def is_invited_member(user: Any, series: DialogueSeries) -> bool:
    return series_invited_for(user).filter(pk=series.pk).exists()


def series_get_visible(*, user: Any, pk: int) -> DialogueSeries:
    series = series_visible_to(user).filter(pk=pk).first()
    if series is None:
        raise Http404
    return series


def series_get_managed(*, user: Any, pk: int) -> DialogueSeries:
    series = series_managed_by(user).filter(pk=pk).first()
    if series is None:
        raise Http404
    return series


def meeting_get_visible(*, user: Any, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("series").filter(pk=pk, series__in=series_visible_to(user).values("pk")).first()
    )
    if meeting is None:
        raise Http404
    return meeting


def meeting_get_managed(*, user: Any, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("series").filter(pk=pk, series__in=series_managed_by(user).values("pk")).first()
    )
    if meeting is None:
        raise Http404
    return meeting


def meeting_audience(meeting: Meeting) -> QuerySet[Organisation]:
    """The invited organisations the meeting is for."""
    invited = Organisation.objects.filter(dialogue_series_invitations__series_id=meeting.series_id)
    group_ids = list(meeting.for_groups.values_list("pk", flat=True))
    organisation_ids = list(meeting.for_organisations.values_list("pk", flat=True))
    if group_ids or organisation_ids:
        invited = invited.filter(Q(groups__in=group_ids) | Q(pk__in=organisation_ids))
    return invited.distinct().order_by("name", "pk")


def organisations_for_registration(user: Any, meeting: Meeting) -> QuerySet[Organisation]:
    """The user's organisations that may send people to this meeting."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return meeting_audience(meeting).filter(pk__in=member_organisation_ids(user))


def organisations_for_input(user: Any, series: DialogueSeries) -> QuerySet[Organisation]:
    """The user's organisations that are invited to the series and so may send written input."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        dialogue_series_invitations__series=series, pk__in=member_organisation_ids(user)
    ).order_by("name")
