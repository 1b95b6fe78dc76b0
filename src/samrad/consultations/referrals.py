"""The referral list (remisslista): which organisations are asked to answer a consultation.

Bodies are picked from the register by kind, county, group, division or one by one, while the consultation is a
draft and while it is open. A body added to an open consultation is marked `added_after_opening`, is invited
right away (in the background, like the invitations on opening), and may get its own (later) deadline. A body
that has answered cannot be taken off the list.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.invitations import invitations_start
from samrad.consultations.lifecycle import TransitionError, phase_allows
from samrad.consultations.models import Consultation, Referral, Submission
from samrad.dates import check_date_in_range
from samrad.organisations.models import Organisation
from samrad.organisations.selectors import name_search_filter, organisation_list, organisations_for_referral


def _require_manager(actor: Actor, consultation: Consultation) -> None:
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def _require_list_editable(consultation: Consultation) -> None:
    if not phase_allows(consultation, "edit_list"):
        raise TransitionError(
            _("The referral list cannot be changed while the consultation is %(status)s.")
            % {"status": consultation.get_status_display()}
        )


def referral_candidates(
    *,
    kinds: Iterable[str] = (),
    county_codes: Iterable[str] = (),
    group_ids: Iterable[int] = (),
    division_ids: Iterable[int] = (),
    ids: Iterable[int] = (),
    q: str = "",
) -> QuerySet[Organisation]:
    """Active organisations in the register matching ANY of the criteria (kinds, counties, groups, divisions,
    explicit ids), narrowed by the name search `q`. With only `q`, every active organisation whose name matches;
    with nothing at all, none."""
    kinds, county_codes = list(kinds), list(county_codes)
    group_ids, division_ids, ids = list(group_ids), list(division_ids), list(ids)
    if kinds or county_codes or group_ids or division_ids or ids:
        candidates = organisations_for_referral(
            kinds=kinds, county_codes=county_codes, group_ids=group_ids, division_ids=division_ids, ids=ids
        )
        if q.strip():
            candidates = candidates.filter(name_search_filter(q))
        return candidates
    if q.strip():
        return organisation_list(q=q, active=True)
    return Organisation.objects.none()


def referral_add(
    *,
    actor: Actor,
    consultation: Consultation,
    organisations: Iterable[Organisation],
    deadline_override: dt.datetime | None = None,
) -> list[Referral]:
    """Put organisations on the list; those already on it are left as they are. On an open consultation the
    new bodies' invitations (with their own deadline if one is given) are queued in the background once the
    transaction commits. Returns the new referrals."""
    _require_manager(actor, consultation)
    check_date_in_range(deadline_override, field="own_deadline")
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        _require_list_editable(locked)
        if deadline_override is not None:
            if deadline_override <= timezone.now():
                raise ValidationError(_("The own deadline must be in the future."))
            if deadline_override <= locked.deadline:
                raise ValidationError(
                    _("An own deadline gives more time: it must be later than the consultation's deadline, %(date)s.")
                    % {"date": date_format(timezone.localtime(locked.deadline), "j F Y")}
                )
        on_list = set(Referral.objects.filter(consultation=locked).values_list("organisation_id", flat=True))
        wanted: dict[int, Organisation] = {}
        for organisation in organisations:
            if organisation.pk not in on_list:
                wanted.setdefault(organisation.pk, organisation)
        if not wanted:
            return []
        after_opening = locked.status == Consultation.Status.OPEN
        Referral.objects.bulk_create(
            [
                Referral(
                    consultation=locked,
                    organisation_id=organisation_id,
                    deadline_override=deadline_override,
                    added_after_opening=after_opening,
                )
                for organisation_id in wanted
            ]
        )
        added = list(
            Referral.objects.filter(consultation=locked, organisation_id__in=list(wanted)).select_related(
                "organisation"
            )
        )
        audit_record(
            actor=actor,
            action="consultation.referrals_added",
            target=locked,
            changes={
                "organisations": sorted(wanted),
                "deadline_override": deadline_override,
                "after_opening": after_opening,
            },
        )
        if after_opening:
            invitations_start(consultation=locked)
    return added


def referral_has_answered(referral: Referral) -> bool:
    """Whether the body has answered: its own response was submitted, or it confirmed a joint answer that was.
    (Declining is not answering: a body that declined may be taken off the list.)"""
    if referral.status == Referral.Status.SUBMITTED:
        return True
    own = Q(response__organisation_id=referral.organisation_id)
    signed = Q(
        response__signatories__organisation_id=referral.organisation_id,
        response__signatories__confirmed_at__isnull=False,
    )
    return Submission.objects.filter(own | signed, response__consultation_id=referral.consultation_id).exists()


def referral_remove(*, actor: Actor, referral: Referral) -> None:
    """Take a body off the list. Refused once it has answered: its answer must stay accounted for."""
    # The consultation the referral belongs to as stored: the caller's instance counts for its primary key only.
    consultation_id = Referral.objects.values_list("consultation_id", flat=True).get(pk=referral.pk)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation_id)
        _require_manager(actor, locked)
        _require_list_editable(locked)
        referral = Referral.objects.select_related("organisation").get(pk=referral.pk)
        if referral_has_answered(referral):
            raise ValidationError(
                _("%(name)s has already answered, so it cannot be taken off the referral list.")
                % {"name": referral.organisation.name}
            )
        audit_record(
            actor=actor,
            action="consultation.referral_removed",
            target=locked,
            changes={
                "organisation": [referral.organisation_id, None],
                "status": referral.status,
                "invited_at": referral.invited_at,
            },
        )
        referral.delete()
