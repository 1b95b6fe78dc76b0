"""Forms of the register's staff pages. They parse and check input; the services make the changes."""

from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from samrad.organisations.duplicates import DuplicateWarning, duplicate_warnings
from samrad.organisations.geography import county_code_of_municipality
from samrad.organisations.models import (
    ContactPerson,
    County,
    Division,
    Group,
    Organisation,
    normalise_email,
    normalise_organisation_number,
    normalise_spaces,
)
from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin


class OrganisationFilterForm(DesignSystemFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200, help_text=_("Part of the name."))
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
    county = forms.ModelChoiceField(
        label=_("County"), required=False, queryset=County.objects.all(), to_field_name="code", empty_label=_("All")
    )
    group = forms.ModelChoiceField(label=_("Group"), required=False, queryset=Group.objects.all(), empty_label=_("All"))
    division = forms.ModelChoiceField(
        label=_("Division"), required=False, queryset=Division.objects.all(), empty_label=_("All")
    )

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.organisation_list from the fields that are valid."""
        data = getattr(self, "cleaned_data", {})
        county = data.get("county")
        return {
            "q": data.get("q") or None,
            "kind": data.get("kind") or None,
            "county_code": county.code if county else None,
            "group": data.get("group"),
            "division": data.get("division"),
        }


class OrganisationForm(DesignSystemFormMixin, forms.ModelForm):
    """Adding or changing an organisation. A name, organisation number or registry address that another
    organisation already has is a warning (`duplicate_warnings`): saving then needs the confirmation box ticked."""

    confirm_duplicates = forms.BooleanField(
        label=_("Save anyway: I have checked that this is not an organisation already in the register"),
        required=False,
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "second_kind",
            "name",
            "short_name",
            "municipality_code",
            "organisation_number",
            "county",
            "groups",
            "registry_email",
            "website",
            "population",
            "population_year",
            "is_active",
        ]
        widgets = {"groups": forms.CheckboxSelectMultiple}
        help_texts = {
            "organisation_number": _("Ten digits, e.g. 212000-0142."),
            "population_year": _("The year the population figure is from."),
        }
        error_messages = {
            "municipality_code": {"unique": _("Another organisation already has this municipality code.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = cast(forms.ModelChoiceField, self.fields["county"])
        county.queryset = County.objects.order_by("code")
        county.empty_label = _("No county")
        cast(forms.ModelMultipleChoiceField, self.fields["groups"]).queryset = Group.objects.order_by("name")
        self.fields["municipality_code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["organisation_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        second_kind = cast(forms.ChoiceField, self.fields["second_kind"])
        second_kind.choices = [("", _("None")), *Organisation.Kind.choices]
        self.duplicate_warnings: list[DuplicateWarning] = []

    def clean_municipality_code(self) -> str | None:
        return (self.cleaned_data.get("municipality_code") or "").strip() or None

    def clean_organisation_number(self) -> str:
        return normalise_organisation_number(self.cleaned_data.get("organisation_number") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, county, kind = data.get("municipality_code"), data.get("county"), data.get("kind")
        second_kind = data.get("second_kind") or None
        if second_kind and second_kind == kind:
            self.add_error("second_kind", _("The second kind must differ from the kind."))
        if code and kind and Organisation.Kind.MUNICIPALITY not in (kind, second_kind):
            self.add_error("municipality_code", _("Only municipalities have a municipality code."))
        if code and county and county_code_of_municipality(code) != county.code:
            self.add_error(
                "county",
                _("Municipality code %(code)s belongs to county %(own)s, not to %(county)s.")
                % {"code": code, "own": county_code_of_municipality(code), "county": county},
            )
        if data.get("population_year") is not None and data.get("population") is None:
            self.add_error("population", _("Give the population for the year you entered."))
        self._check_duplicates(data)
        return data

    def _check_duplicates(self, data: dict[str, Any]) -> None:
        """Warn of what another organisation already has; on a change, only of the values that change (the
        instance still holds the stored ones here: the form copies its data onto it after clean())."""
        values = {
            "name": normalise_spaces(data.get("name")),
            "organisation_number": data.get("organisation_number") or "",
            "registry_email": normalise_email(data.get("registry_email")),
        }
        if self.instance.pk:
            stored = {name: str(getattr(self.instance, name) or "") for name in values}
            values = {name: value for name, value in values.items() if value.casefold() != stored[name].casefold()}
        self.duplicate_warnings = duplicate_warnings(
            exclude_ids=[self.instance.pk] if self.instance.pk else [], **values
        )
        if self.duplicate_warnings and not data.get("confirm_duplicates"):
            self.add_error(
                "confirm_duplicates",
                _(
                    "The register may already have this organisation (see the warnings). Check, and tick the box "
                    "to save anyway."
                ),
            )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RenameForm(DesignSystemFormMixin, forms.Form):
    new_name = forms.CharField(
        label=_("New name"), max_length=200, help_text=_("E.g. Region Stockholm (formerly Stockholms läns landsting).")
    )
    valid_from = BoundedDateField(
        label=_("Valid from"), help_text=_("The first day of the new name. The old name is kept until the day before.")
    )


class ContactPersonForm(DesignSystemFormMixin, forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "email", "title", "phone"]
        help_texts = {"title": _("E.g. kommunsekreterare or handläggare.")}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class GroupForm(DesignSystemFormMixin, forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"name": {"unique": _("There is already a group with this name.")}}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CountyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class DivisionForm(DesignSystemFormMixin, forms.ModelForm):
    class Meta:
        model = Division
        fields = ["name", "status", "counties", "description"]
        field_classes = {"counties": CountyChoiceField}
        widgets = {"counties": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": _("E.g. Stockholm + Gotland.")}
        error_messages = {
            "name": {"unique": _("There is already a division with this name.")},
            "counties": {"required": _("Choose at least one county.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CountyChoiceField, self.fields["counties"]).queryset = County.objects.order_by("code")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RegisterImportForm(DesignSystemFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_(
            "CSV (UTF-8, comma or semicolon) or Excel (.xlsx) with a header row: municipality_code, name, kind, "
            "second_kind (for a body that is two kinds, such as Region Gotland), organisation_number, county_code, "
            "county, registry_email, website, population (or population_2016), population_year, groups (separated "
            "by ;)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large (%(size)s). The largest file that can be imported is %(max)s."),
                params={"size": filesizeformat(upload.size), "max": filesizeformat(settings.IMPORT_MAX_BYTES)},
            )
        if PurePath(upload.name).suffix.lower() not in {".csv", ".txt", ".xlsx"}:
            raise ValidationError(_("Choose a CSV (.csv) or Excel (.xlsx) file."))
        return upload


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
