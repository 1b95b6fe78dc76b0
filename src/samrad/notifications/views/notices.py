"""A person's own notices (what happened in the consultations they run) and how they want them mailed. Anyone
signed in has the page; each sees only their own notices (another person's id is "not found")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samrad.errors import ServiceError
from samrad.notifications.forms import NoticePreferenceForm
from samrad.notifications.notices import (
    delivery_for,
    notice_mark_read,
    notice_preference_set,
    notices_for,
    notices_mark_all_read,
    notices_unread_count,
)
from samrad.ui.feedback import show_error

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET"])
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notices_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notices/list.html",
        {"page": page, "unread": notices_unread_count(request.user), "delivery": delivery_for(request.user)},
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    if not notices_for(request.user).filter(pk=notice_id).exists():
        raise Http404
    notice_mark_read(actor=request.user, notice_id=notice_id)
    return redirect("notices:list")


@login_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    count = notices_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notices are marked as read."))
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def preference(request: HttpRequest) -> HttpResponse:
    form = NoticePreferenceForm(request.POST or None, initial={"delivery": delivery_for(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            notice_preference_set(actor=request.user, delivery=form.cleaned_data["delivery"])
        except ServiceError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your choice is saved."))
            return redirect("notices:list")
    return render(request, "notifications/notices/preference.html", {"form": form})
