"""Staff pages of the audit log (read only: the log has no write path but `audit_record`). Platform staff only:
the log spans every organisation."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samrad.actors import is_platform_staff
from samrad.audit.forms import AuditFilterForm
from samrad.audit.selectors import audit_actions, audit_event_list, audit_object_types

PAGE_SIZE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not is_platform_staff(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, actions=audit_actions(), object_types=audit_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        action=filters.get("action", ""),
        object_type=filters.get("object_type", ""),
        actor=filters.get("actor", ""),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})
