"""Passing a consultation on within a referral body (mounted under /remisser/<id>/svar/<org>/vidarebefordra/).
The organisation's registry and coordinators see it; its other members are refused with a reason; anyone else
gets 404 (ids reveal nothing, as everywhere in the respondent pages)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samrad.accounts.models import Delegation
from samrad.actors import DELEGATE
from samrad.consultations import access
from samrad.consultations.delegation import delegation_give, delegation_withdraw, delegations_for, parse_addresses
from samrad.consultations.forms.delegation import PassOnForm
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import Referral
from samrad.errors import ServiceError
from samrad.ui.feedback import message_error, show_error


def _referral(request: HttpRequest, pk: int, organisation_pk: int) -> Referral:
    referral = access.referral_get_for_respondent(
        user=request.user, consultation_pk=pk, organisation_pk=organisation_pk
    )
    if not request.user.has_perm(DELEGATE, referral.organisation):
        raise PermissionDenied(
            _("Only %(organisation)s’s registry or its coordinators may pass its consultations on.")
            % {"organisation": referral.organisation.name}
        )
    return referral


@login_required
@require_http_methods(["GET", "POST"])
def pass_on(request: HttpRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """Who has the consultation at the organisation, and passing it on to more colleagues."""
    referral = _referral(request, pk, organisation_pk)
    form = PassOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            given = delegation_give(
                actor=request.user, referral=referral, emails=parse_addresses(form.cleaned_data["emails"])
            )
        except (ServiceError, ValidationError, PermissionDenied) as error:
            show_error(form, error, field="emails")
        else:
            messages.success(
                request,
                _("Passed on to %(people)s. Each has been sent a personal login link.")
                % {"people": ", ".join(delegation.user.email for delegation in given)},
            )
            return redirect("consultations:pass_on", pk, organisation_pk)
    return render(
        request,
        "consultations/respond/pass_on.html",
        {
            "form": form,
            "referral": referral,
            "consultation": referral.consultation,
            "organisation": referral.organisation,
            "delegations": delegations_for(referral=referral),
            "can_answer": phase_allows(referral.consultation, "answer"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def pass_on_withdraw(request: HttpRequest, pk: int, organisation_pk: int, delegation_pk: int) -> HttpResponse:
    referral = _referral(request, pk, organisation_pk)
    delegation = Delegation.objects.filter(
        pk=delegation_pk, consultation=referral.consultation_id, organisation=referral.organisation_id
    ).first()
    if delegation is None:
        raise Http404
    try:
        delegation_withdraw(actor=request.user, delegation=delegation)
    except (ServiceError, ValidationError, PermissionDenied) as error:
        message_error(request, error)
    else:
        messages.success(request, _("%(person)s no longer has the consultation.") % {"person": delegation.user.email})
    return redirect("consultations:pass_on", pk, organisation_pk)
