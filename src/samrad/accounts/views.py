"""Pages for logging in and out and for one's own account. Forms parse, services act."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samrad.accounts.forms import ROLE_CHOICES, LoginLinkRequestForm, PersonInviteForm, PersonRoleForm, StaffLoginForm
from samrad.accounts.login_links import GRANT_PARAMETER, login_link_user, login_link_validity_text, safe_next_url
from samrad.accounts.models import Membership
from samrad.accounts.people import person_invite, person_remove, person_role_set
from samrad.accounts.selectors import membership_is_gatekeeper, memberships_for_user, organisation_delegations
from samrad.accounts.selectors import organisation_people as organisation_people_list
from samrad.accounts.services import LoginLinkOutcome, login_link_redeem, login_link_request
from samrad.accounts.throttles import client_ip, throttle_hit, throttle_reached
from samrad.actors import MANAGE_PEOPLE
from samrad.errors import ServiceError
from samrad.organisations.models import Organisation
from samrad.ui.feedback import message_error, show_error

STAFF_LOGIN_SCOPE = "password_login.ip"


def password_login_rate() -> str:
    """Failed password logins allowed per client and period."""
    return str(getattr(settings, "PASSWORD_LOGIN_RATE", "10/15m"))


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Ask for a login link. The answer is the same whether or not the address has an account."""
    throttled = False
    if request.method == "POST":
        form = LoginLinkRequestForm(request.POST)
        if form.is_valid():
            outcome = login_link_request(
                email=form.cleaned_data["email"],
                request_ip=client_ip(request),
                next_url=safe_next_url(form.cleaned_data["next"]),
            )
            if outcome is LoginLinkOutcome.ACCEPTED:
                return redirect("accounts:login_link_sent")
            throttled = True  # this client asked far too often: says nothing about the address
    else:
        form = LoginLinkRequestForm(initial={"next": safe_next_url(request.GET.get("next"))})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "throttled": throttled},
        status=429 if throttled else 200,
    )


@require_GET
def login_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/login_link_sent.html", {"validity": login_link_validity_text()})


def _link_response(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The address carries the token: never send it on to another site. ("no-referrer" would also make browsers
    # send "Origin: null" with the confirm form, which Django's CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid_link(request: HttpRequest, next_url: str) -> HttpResponse:
    form = LoginLinkRequestForm(initial={"next": next_url})
    context = {"form": form, "validity": login_link_validity_text()}
    return _link_response(request, "accounts/login_link_invalid.html", context, status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def login_link(request: HttpRequest) -> HttpResponse:
    """Opening a link (GET) only asks for confirmation: mail scanners that fetch links must not use them up.
    Confirming (POST) logs in and spends the token."""
    token_name = settings.SESAME_TOKEN_NAME
    data = request.POST if request.method == "POST" else request.GET
    token = data.get(token_name, "")
    next_url = safe_next_url(data.get("next"))
    grant = data.get(GRANT_PARAMETER, "")
    if request.method == "GET":
        user = login_link_user(token, grant=grant)
        if user is None:
            return _invalid_link(request, next_url)
        context = {"link_user": user, "token": token, "token_name": token_name, "next": next_url, "grant": grant}
        return _link_response(request, "accounts/login_link_confirm.html", context)
    if login_link_redeem(request=request, token=token, grant=grant) is None:
        return _invalid_link(request, next_url)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


class PasswordLoginView(LoginView):
    """Password login for staff. Failed attempts are counted per client; over the limit, nothing is checked."""

    template_name = "accounts/password_login.html"
    form_class = StaffLoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle_reached(scope=STAFF_LOGIN_SCOPE, value=client_ip(request), rate=password_login_rate()):
            context = self.get_context_data(form=StaffLoginForm(request), throttled=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: StaffLoginForm) -> HttpResponse:  # type: ignore[override]
        throttle_hit(scope=STAFF_LOGIN_SCOPE, value=client_ip(self.request), rate=password_login_rate())
        return super().form_invalid(form)


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    """My account: who I am and where I belong."""
    memberships = list(memberships_for_user(request.user))
    # The organisations whose people this user manages: read from the rows already fetched, no extra query.
    managed = {m.organisation_id for m in memberships if membership_is_gatekeeper(m)}
    return render(request, "accounts/profile.html", {"memberships": memberships, "managed": managed})


# --- An organisation's people ------------------------------------------------------------------------------


def _organisation_managed(request: HttpRequest, pk: int) -> Organisation:
    """The organisation, if the user is one of its gatekeepers or platform staff; else 403 with the reason (the
    register is public, so the id reveals nothing)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm(MANAGE_PEOPLE, organisation):
        raise PermissionDenied(
            _("Only %(organisation)s’s own coordinators, its registry or platform staff may manage its people.")
            % {"organisation": organisation.name}
        )
    return organisation


def _membership_of(organisation: Organisation, membership_pk: int) -> Membership:
    membership = Membership.objects.filter(pk=membership_pk, organisation=organisation).first()
    if membership is None:
        raise Http404
    return membership


@login_required
@require_http_methods(["GET", "POST"])
def organisation_people(request: HttpRequest, pk: int) -> HttpResponse:
    """Who belongs to the organisation and in what role, what has been passed on to whom; inviting a colleague."""
    organisation = _organisation_managed(request, pk)
    form = PersonInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_invite(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except (ServiceError, ValidationError, PermissionDenied) as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s has been added and sent a login link.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:organisation_people", organisation.pk)
    return render(
        request,
        "accounts/organisation_people.html",
        {
            "organisation": organisation,
            "form": form,
            "memberships": organisation_people_list(organisation),
            "delegations": organisation_delegations(organisation),
            "role_choices": ROLE_CHOICES,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def organisation_person_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_managed(request, pk)
    membership = _membership_of(organisation, membership_pk)
    form = PersonRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose coordinator or respondent."))
    else:
        try:
            person_role_set(
                actor=request.user, organisation=organisation, membership=membership, role=form.cleaned_data["role"]
            )
        except (ServiceError, ValidationError, PermissionDenied) as error:
            message_error(request, error)
        else:
            messages.success(request, _("The role of %(email)s is changed.") % {"email": membership.user.email})
    return redirect("accounts:organisation_people", organisation.pk)


@login_required
@require_POST
def organisation_person_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    organisation = _organisation_managed(request, pk)
    membership = _membership_of(organisation, membership_pk)
    email = membership.user.email
    try:
        person_remove(actor=request.user, organisation=organisation, membership=membership)
    except (ServiceError, ValidationError, PermissionDenied) as error:
        message_error(request, error)
    else:
        messages.success(
            request,
            _("%(email)s no longer belongs to %(organisation)s.") % {"email": email, "organisation": organisation.name},
        )
    return redirect("accounts:organisation_people", organisation.pk)
