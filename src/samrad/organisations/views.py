"""Staff pages of the register. Coordinators only; every change goes through a service."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from samrad.actors import ACT_FOR_ORGANISATION
from samrad.errors import ServiceError
from samrad.organisations import selectors, services
from samrad.organisations.forms import (
    ContactPersonForm,
    DivisionForm,
    GroupForm,
    OrganisationFilterForm,
    OrganisationForm,
    RegisterImportForm,
    RenameForm,
    add_service_errors,
)
from samrad.organisations.importing import register_import
from samrad.organisations.models import ContactPerson, Division, Group, Organisation
from samrad.ui import decorators as ui_decorators
from samrad.ui.feedback import message_error, show_error

PAGE_SIZE = 25
# A previewed import file waits this long (seconds) for the coordinator to confirm it.
IMPORT_PREVIEW_TIMEOUT = 30 * 60

View = Callable[..., HttpResponse]


# Anonymous visitors go to the login page; people who are not coordinators get a 403 page saying why.
coordinator_required = ui_decorators.coordinator_required(
    reason=gettext_lazy("Only coordinators may see and change the organisation register.")
)


def _organisation_or_404(pk: int) -> Organisation:
    organisation = selectors.organisation_get(organisation_id=pk)
    if organisation is None:
        raise Http404(_("There is no such organisation."))
    return organisation


def _contact_or_404(pk: int, contact_pk: int) -> ContactPerson:
    contact = selectors.contact_get(organisation_id=pk, contact_id=contact_pk)
    if contact is None:
        raise Http404(_("There is no such contact person."))
    return contact


# Shown instead of the contact-person controls, and as the refusal, to coordinators of other organisations.
CONTACTS_REFUSAL = gettext_lazy(
    "Only the organisation's own coordinators, its registry or platform staff may change its contact people, "
    "because they receive its mail."
)


def _check_may_direct_mail(request: HttpRequest, organisation: Organisation) -> None:
    """Opening a contact-person form is refused up front (with the reason) to whom saving it would be refused."""
    if not request.user.has_perm(ACT_FOR_ORGANISATION, organisation):
        raise PermissionDenied(str(CONTACTS_REFUSAL))


# --- Organisations ---------------------------------------------------------------------------------------


@coordinator_required
@require_http_methods(["GET"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    filter_form = OrganisationFilterForm(request.GET)
    filter_form.is_valid()  # an invalid filter is shown as an error and left out; the valid ones apply
    page = Paginator(selectors.organisation_list(**filter_form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "organisations/organisation_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, {"filter_form": filter_form, "page_obj": page})


@coordinator_required
@require_http_methods(["GET"])
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_or_404(pk)
    context = {
        "organisation": organisation,
        "may_direct_mail": request.user.has_perm(ACT_FOR_ORGANISATION, organisation),
        "contacts_refusal": CONTACTS_REFUSAL,
    }
    return render(request, "organisations/organisation_detail.html", context)


@coordinator_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the register.") % {"name": organisation.name})
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": None})


@coordinator_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_or_404(pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            # Refused by role (someone else's mail address): say why on the form and keep what was typed.
            show_error(form, error, field="registry_email")
            status = 403
        else:
            messages.success(request, _("The changes to %(name)s were saved.") % {"name": form.cleaned_data["name"]})
            return redirect("organisations:detail", pk=pk)
    # The form changed `organisation` in memory: show the stored one in the page's heading and links.
    context = {"form": form, "organisation": _organisation_or_404(pk) if form.is_bound else organisation}
    return render(request, "organisations/organisation_form.html", context, status=status)


@coordinator_required
@require_http_methods(["GET", "POST"])
def organisation_rename(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a new name from a day; the old one joins the name history shown on the organisation's page."""
    organisation = _organisation_or_404(pk)
    form = RenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            renamed = services.organisation_rename(
                actor=request.user,
                organisation=organisation,
                new_name=form.cleaned_data["new_name"],
                valid_from=form.cleaned_data["valid_from"],
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("%(old)s is called %(new)s from %(date)s.")
                % {
                    "old": organisation.name,
                    "new": renamed.name,
                    "date": date_format(form.cleaned_data["valid_from"], "j F Y"),
                },
            )
            return redirect("organisations:detail", pk=pk)
    return render(request, "organisations/rename.html", {"form": form, "organisation": organisation})


# --- Contact people --------------------------------------------------------------------------------------


@coordinator_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation_or_404(pk)
    if request.method == "GET":
        _check_may_direct_mail(request, organisation)
    form = ContactPersonForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=request.user, organisation=organisation, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            show_error(form, error)  # the reason above the form, what was typed still in it
            status = 403
        else:
            messages.success(request, _("The contact person was added."))
            return redirect("organisations:detail", pk=pk)
    context = {"form": form, "organisation": organisation, "contact": None}
    return render(request, "organisations/contact_form.html", context, status=status)


@coordinator_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = _contact_or_404(pk, contact_pk)
    if request.method == "GET":
        _check_may_direct_mail(request, contact.organisation)
    form = ContactPersonForm(request.POST or None, instance=contact)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            show_error(form, error)
            status = 403
        else:
            messages.success(request, _("The contact person was saved."))
            return redirect("organisations:detail", pk=pk)
    context = {"form": form, "organisation": contact.organisation, "contact": contact}
    return render(request, "organisations/contact_form.html", context, status=status)


@coordinator_required
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact = _contact_or_404(pk, contact_pk)
    if request.method == "GET":
        _check_may_direct_mail(request, contact.organisation)
    if request.method == "POST":
        try:
            services.contact_remove(actor=request.user, contact=contact)
        except PermissionDenied as error:
            message_error(request, error)
        else:
            messages.success(request, _("%(name)s is no longer a contact person.") % {"name": contact.name})
        return redirect("organisations:detail", pk=pk)
    return render(request, "organisations/contact_confirm_remove.html", {"contact": contact})


# --- Groups and divisions --------------------------------------------------------------------------------


@coordinator_required
@require_http_methods(["GET"])
def groups_overview(request: HttpRequest) -> HttpResponse:
    context = {
        "groups": selectors.group_list(),
        "divisions": selectors.division_list(),
        "counties": selectors.county_list(),
    }
    return render(request, "organisations/groups_overview.html", context)


def _edit_page(
    request: HttpRequest,
    *,
    form: GroupForm | DivisionForm,
    save: Callable[[dict[str, Any]], Group | Division],
    done_message: str,
    title: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done_message)
            return redirect("organisations:groups")
    return render(request, "organisations/simple_form.html", {"form": form, "title": title})


@coordinator_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    return _edit_page(
        request,
        form=GroupForm(request.POST or None),
        save=lambda data: services.group_create(actor=request.user, **data),
        done_message=_("The group was created."),
        title=_("New group"),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.group_get(group_id=pk)
    if group is None:
        raise Http404(_("There is no such group."))
    return _edit_page(
        request,
        form=GroupForm(request.POST or None, instance=group),
        save=lambda data: services.group_update(actor=request.user, group=group, data=data),
        done_message=_("The group was saved."),
        title=_("Change group %(name)s") % {"name": group.name},
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def division_create(request: HttpRequest) -> HttpResponse:
    return _edit_page(
        request,
        form=DivisionForm(request.POST or None),
        save=lambda data: services.division_create(actor=request.user, **data),
        done_message=_("The division was created."),
        title=_("New division"),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def division_edit(request: HttpRequest, pk: int) -> HttpResponse:
    division = selectors.division_get(division_id=pk)
    if division is None:
        raise Http404(_("There is no such division."))
    return _edit_page(
        request,
        form=DivisionForm(request.POST or None, instance=division),
        save=lambda data: services.division_update(actor=request.user, division=division, data=data),
        done_message=_("The division was saved."),
        title=_("Change division %(name)s") % {"name": division.name},
    )


# --- Import ----------------------------------------------------------------------------------------------


def _preview_key(request: HttpRequest, token: str) -> str:
    return f"organisations:import-preview:{request.user.pk}:{token}"


@coordinator_required
@require_http_methods(["GET", "POST"])
def register_import_page(request: HttpRequest) -> HttpResponse:
    """Upload a register file: "Check" previews what would change (nothing saved), "Import" applies it.

    A previewed file is kept in the cache for a while, so that the coordinator can confirm it without choosing
    the file again; confirming checks it once more against the register as it is then.
    """
    context: dict[str, Any] = {"result": None, "token": None}
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        stored = cache.get(_preview_key(request, token))
        if stored is None:
            messages.error(request, _("The preview has expired. Choose the file again."))
            return redirect("organisations:import")
        filename, content = stored
        confirmed = request.POST.get("confirm_warnings") == "on"
        result = register_import(actor=request.user, content=content, filename=filename, confirm_warnings=confirmed)
        if result.ok:
            cache.delete(_preview_key(request, token))
            messages.success(request, result.summary())
            return redirect("organisations:list")
        if result.needs_confirmation:
            context["token"] = token  # the same file, waiting for the tick
        else:
            cache.delete(_preview_key(request, token))
        context.update(form=RegisterImportForm(), result=result)
        return render(request, "organisations/register_import.html", context)

    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        dry_run = request.POST.get("action") != "import"
        result = register_import(actor=request.user, content=content, filename=upload.name, dry_run=dry_run)
        if result.ok and not dry_run:
            messages.success(request, result.summary())
            return redirect("organisations:list")
        if (result.ok and result.changed_anything) or result.needs_confirmation:
            token = uuid.uuid4().hex
            cache.set(_preview_key(request, token), (upload.name, content), IMPORT_PREVIEW_TIMEOUT)
            context["token"] = token
        context["result"] = result
    context["form"] = form
    return render(request, "organisations/register_import.html", context)
