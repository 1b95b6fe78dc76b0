"""Forms for logging in. They parse input; the services and Django's authentication do the work."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from samrad.accounts.selectors import user_find_by_email
from samrad.ui.forms import DesignSystemFormMixin


class LoginLinkRequestForm(DesignSystemFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The address your organisation registered for you, e.g. anna.andersson@kommun.se."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


STAFF_LOGIN_REFUSED = _(
    "The e-mail address or password is wrong, or the account may not log in with a password. "
    "Only staff log in with a password; everyone else logs in with a link sent by e-mail."
)


class StaffLoginForm(DesignSystemFormMixin, AuthenticationForm):
    """Password login for staff only. Every refusal (unknown account, wrong password, not staff, deactivated)
    gives the same message, so the form does not tell which accounts exist or which are staff."""

    username = forms.CharField(
        label=_("E-mail address or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {"invalid_login": STAFF_LOGIN_REFUSED, "inactive": STAFF_LOGIN_REFUSED}

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            username = identifier
            if "@" in identifier:
                user = user_find_by_email(identifier, active_only=False)
                if user is not None:
                    username = user.get_username()
            # Unknown usernames still cost one password hash inside authenticate(), so the time taken does not
            # tell known from unknown accounts either.
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None or not self.user_cache.is_staff:
                self.user_cache = None
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


ROLE_CHOICES = [
    ("respondent", _("Respondent: drafts and submits the organisation’s answers")),
    ("coordinator", _("Coordinator: also runs consultations and manages the organisation’s people")),
]


class PersonInviteForm(DesignSystemFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Colleague’s e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial="respondent")


class PersonRoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)
