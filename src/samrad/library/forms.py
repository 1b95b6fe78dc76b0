"""Forms of the knowledge base and the search page. They parse input; the services and selectors do the work."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samrad.consultations.access import consultations_managed_by
from samrad.dialogue.access import series_managed_by
from samrad.library.models import LibraryDocument, SearchEntry
from samrad.library.search import MAX_QUERY_LENGTH
from samrad.library.selectors import library_organisations_for
from samrad.library.services import EARLIEST_PUBLICATION
from samrad.organisations.models import Organisation
from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


class SearchForm(DesignSystemFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        help_text=_('Any form of a word finds the others ("kommunerna" finds "kommun"). Use "quotes" for a phrase.'),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Only"), required=False, choices=[("", _("everything")), *SearchEntry.Kind.choices]
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none(), empty_label=_("any")
    )
    date_from = BoundedDateField(
        label=_("From date"), required=False, widget=DATE_WIDGET, earliest=EARLIEST_PUBLICATION
    )
    date_to = BoundedDateField(label=_("To date"), required=False, widget=DATE_WIDGET, earliest=EARLIEST_PUBLICATION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].queryset = _organisations()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class LibraryFilterForm(DesignSystemFormMixin, forms.Form):
    text = forms.CharField(label=_("Title or summary contains"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("all")), *LibraryDocument.Kind.choices])
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none(), empty_label=_("any")
    )

    def __init__(self, *args: Any, tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["tag"].choices = [("", _("all")), *((name, name) for name in tags)]
        fields["organisation"].queryset = (
            Organisation.objects.filter(library_documents__isnull=False).distinct().order_by("name")
        )


class LibraryDocumentForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("Kind"), choices=LibraryDocument.Kind.choices)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas, e.g. traffic, housing."),
    )
    published_on = BoundedDateField(
        label=_("Publication date"), required=False, widget=DATE_WIDGET, earliest=EARLIEST_PUBLICATION
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation behind it"), required=False, queryset=Organisation.objects.none(), empty_label=_("none")
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, Word, OpenDocument, Excel or plain text. Its text is made searchable."),
    )
    url = forms.URLField(
        label=_("Or a link"), required=False, max_length=500, help_text=_("For material published elsewhere.")
    )
    consultations = forms.ModelMultipleChoiceField(
        label=_("Consultations it belongs to"), required=False, queryset=Organisation.objects.none()
    )
    dialogue_series = forms.ModelMultipleChoiceField(
        label=_("Dialogue series it belongs to"), required=False, queryset=Organisation.objects.none()
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=LibraryDocument.Visibility.choices, widget=forms.RadioSelect
    )
    readers = forms.ModelMultipleChoiceField(
        label=_("Organisations that may read it"),
        required=False,
        queryset=Organisation.objects.none(),
        help_text=_("Only when it is shared with named organisations."),
    )

    def __init__(self, *args: Any, user: Any, document: LibraryDocument | None = None, **kwargs: Any) -> None:
        self.document = document
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].queryset = library_organisations_for(user)
        fields["consultations"].queryset = consultations_managed_by(user).order_by("-deadline", "-id")
        fields["dialogue_series"].queryset = series_managed_by(user).order_by("-created_at", "-id")
        fields["readers"].queryset = _organisations()
        if document is not None and document.file is not None:
            fields["file"].help_text = _("Now: %(name)s. Upload a file only to replace it.") % {
                "name": document.file.original_name
            }

    def clean_tags(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_file = bool(data.get("file")) or (
            self.document is not None and self.document.file is not None and not data.get("url")
        )
        if bool(data.get("file")) and data.get("url"):
            self.add_error("url", _("Give either a file or a link, not both."))
        elif not has_file and not data.get("url"):
            self.add_error("file", _("Upload a file or give a link."))
        if data.get("visibility") == LibraryDocument.Visibility.ORGANISATIONS and not data.get("readers"):
            self.add_error("readers", _("Name at least one organisation, or choose another visibility."))
        return data


def document_initial(document: LibraryDocument) -> dict[str, Any]:
    return {
        "title": document.title,
        "summary": document.summary,
        "kind": document.kind,
        "tags": ", ".join(tag.name for tag in document.tags.all()),
        "published_on": document.published_on,
        "organisation": document.organisation,
        "url": document.url,
        "consultations": list(document.consultations.all()),
        "dialogue_series": list(document.dialogue_series.all()),
        "visibility": document.visibility,
        "readers": list(document.readers.all()),
    }
