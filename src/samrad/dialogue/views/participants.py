"""Pages for participants and the public: the series, a meeting (register, cancel, agenda, documents, minutes),
"My meetings", written input, and the calendar files.

A series or meeting the person may not see is "not found" (404); so is a registration form for someone whose
organisation the meeting is not for.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samrad.accounts.selectors import user_is_coordinator
from samrad.dialogue import access, calendar, feeds, records, registrations, selectors
from samrad.dialogue.forms import InputForm, RegisterForm
from samrad.dialogue.models import DialogueSeries, Input, Meeting, MeetingDocument, Registration
from samrad.documents.inspection import FileRejected
from samrad.documents.models import StoredFile
from samrad.documents.naming import download_name
from samrad.ui.feedback import error_texts

NEWS_SHOWN = 10


def _download(stored: StoredFile) -> FileResponse:
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=download_name(stored), content_type=stored.content_type
    )


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def series_list(request: HttpRequest) -> HttpResponse:
    series = list(selectors.series_list_for(request.user))
    invited = set(access.series_invited_for(request.user).values_list("pk", flat=True))
    return render(
        request,
        "dialogue/series_list.html",
        {
            "invited_series": [s for s in series if s.pk in invited],
            "other_series": [s for s in series if s.pk not in invited],
            "can_run": user_is_coordinator(request.user),
        },
    )


@require_GET
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = access.series_get_visible(user=request.user, pk=pk)
    return render(
        request,
        "dialogue/series_detail.html",
        {
            "series": series,
            "organisers": series.organisers.order_by("name"),
            "topics": series.topics.all(),
            "meetings": selectors.with_audiences(selectors.series_meetings(series)),
            "news": series.news.all()[:NEWS_SHOWN],
            "feed_url": feeds.feed_url(series, request.user),
            "can_manage": access.can_manage(request.user, series),
            "can_send_input": access.organisations_for_input(request.user, series).exists(),
        },
    )


def _feed(series: DialogueSeries) -> HttpResponse:
    meetings = series.meetings.order_by("starts_at", "pk")
    return _calendar_response(calendar.series_feed(series, meetings), f"dialog-{series.pk}.ics")


@require_GET
def feed(request: HttpRequest, pk: int) -> HttpResponse:
    """The series' calendar: open for a public series, for members when logged in otherwise."""
    series = get_object_or_404(DialogueSeries, pk=pk)
    if not series.is_public and not access.can_view(request.user, series):
        raise Http404
    return _feed(series)


@require_GET
def feed_token(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The series' calendar at a member's secret address, for calendar programs that cannot log in."""
    series = get_object_or_404(DialogueSeries, pk=pk)
    if feeds.feed_token_user(series, token) is None:
        raise Http404
    return _feed(series)


def _meeting_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    series = meeting.series
    can_manage = access.can_manage(request.user, series)
    registration = selectors.registration_for(request.user, meeting)
    eligible = access.organisations_for_registration(request.user, meeting)
    minutes = getattr(meeting, "minutes", None)
    show_minutes = minutes is not None and (minutes.is_published or can_manage)
    return {
        "meeting": selectors.meeting_with_counts(meeting),
        "series": series,
        "audience": selectors.audience_names(meeting),
        "documents": meeting.documents.select_related("file"),
        "registration": registration,
        "waiting_position": selectors.waiting_position(registration)
        if registration and registration.status == Registration.Status.WAITLISTED
        else None,
        "registration_open": registrations.registration_open(meeting),
        "can_register": registration is None and eligible.exists() and registrations.registration_open(meeting),
        "minutes": minutes if show_minutes else None,
        "action_points": selectors.action_points(meeting) if show_minutes else [],
        "can_manage": can_manage,
        **extra,
    }


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_get_visible(user=request.user, pk=pk)
    form = RegisterForm(organisations=access.organisations_for_registration(request.user, meeting))
    return render(request, "dialogue/meeting_detail.html", _meeting_context(request, meeting, form=form))


@require_POST
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = access.meeting_get_visible(user=request.user, pk=pk)
    eligible = access.organisations_for_registration(request.user, meeting)
    if not eligible.exists():
        raise Http404
    form = RegisterForm(request.POST, organisations=eligible)
    if form.is_valid():
        try:
            registration = registrations.meeting_register(
                actor=request.user,
                meeting=meeting,
                organisation=form.cleaned_data["organisation"],
                needs=form.cleaned_data["needs"],
            )
        except (ValidationError, PermissionDenied) as error:
            for text in error_texts(error):
                form.add_error(None, text)
        else:
            if registration.status == Registration.Status.REGISTERED:
                messages.success(request, _("You are registered. A confirmation with a calendar file is on its way."))
            else:
                messages.info(
                    request,
                    _(
                        "Every place is taken: you are on the waiting list "
                        "and get a place automatically if one frees up."
                    ),
                )
            return redirect("dialogue:meeting", pk=meeting.pk)
    return render(request, "dialogue/meeting_detail.html", _meeting_context(request, meeting, form=form), status=400)


@require_POST
def meeting_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = access.meeting_get_visible(user=request.user, pk=pk)
    registration = selectors.registration_for(request.user, meeting)
    if registration is None:
        raise Http404
    try:
        registrations.registration_cancel(actor=request.user, registration=registration)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(error_texts(error)))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("dialogue:meeting", pk=meeting.pk)


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access.meeting_get_visible(user=request.user, pk=pk)
    return _calendar_response(
        calendar.meeting_calendar(meeting, method=calendar.METHOD_PUBLISH), f"mote-{meeting.pk}.ics"
    )


@require_GET
def meeting_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    meeting = access.meeting_get_visible(user=request.user, pk=pk)
    document = get_object_or_404(MeetingDocument.objects.select_related("file"), pk=document_pk, meeting=meeting)
    return _download(document.file)


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dialogue/my_meetings.html",
        {
            "upcoming": selectors.my_registrations(request.user, upcoming=True),
            "past": selectors.my_registrations(request.user, upcoming=False)[:50],
            "open_meetings": selectors.open_meetings_for(request.user)[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_inputs(request: HttpRequest, pk: int) -> HttpResponse:
    """Written input: what the person's organisations have sent, and the form to send more."""
    series = access.series_get_visible(user=request.user, pk=pk)
    organisations = access.organisations_for_input(request.user, series)
    can_send = organisations.exists()
    if not can_send and not access.can_manage(request.user, series):
        raise Http404
    form = InputForm(request.POST or None, request.FILES or None, organisations=organisations, series=series)
    if request.method == "POST":
        if not can_send:
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data.get("attachment")
            try:
                records.input_submit(
                    actor=request.user,
                    series=series,
                    organisation=form.cleaned_data["organisation"],
                    topic=form.cleaned_data.get("topic"),
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    attachment=upload,
                    attachment_name=upload.name if upload else "",
                )
            except FileRejected as error:
                form.add_error("attachment", str(error))
            except (ValidationError, PermissionDenied) as error:
                for text in error_texts(error):
                    form.add_error(None, text)
            else:
                messages.success(request, _("Thank you: your input has been sent to the organisers."))
                return redirect("dialogue:inputs", pk=series.pk)
    return render(
        request,
        "dialogue/inputs.html",
        {
            "series": series,
            "form": form if can_send else None,
            "inputs": selectors.inputs_for(request.user, series),
        },
    )


@login_required
@require_GET
def input_attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(Input.objects.select_related("series", "attachment"), pk=pk)
    if item.attachment is None or not selectors.inputs_for(request.user, item.series).filter(pk=item.pk).exists():
        raise Http404
    return _download(item.attachment)
