"""The coordinators' pages for running a dialogue series: the series and its topics, the invited organisations,
news, meetings (invitations, changes, cancelling, documents), attendance, minutes and action points, written
input and its link to consultations, and the participation overview.

Thin views: forms parse, services change, selectors read. A series the user does not run is "not found".
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samrad.accounts.models import Membership, User
from samrad.accounts.selectors import organisations_for_user
from samrad.dialogue import access, records, registrations, selectors, services
from samrad.dialogue.forms import (
    ActionPointForm,
    AttendanceForm,
    CancelMeetingForm,
    DocumentForm,
    InviteAddForm,
    InviteSearchForm,
    LinkConsultationForm,
    MeetingForm,
    MinutesForm,
    NewsForm,
    SeriesForm,
    TopicForm,
    WalkInForm,
)
from samrad.dialogue.models import (
    ActionPoint,
    Attendance,
    DialogueSeries,
    Input,
    Meeting,
    MeetingDocument,
    Registration,
    Topic,
)
from samrad.documents.inspection import FileRejected
from samrad.errors import ServiceError
from samrad.organisations.models import Organisation
from samrad.organisations.selectors import name_search_filter, organisations_for_referral
from samrad.ui import decorators as ui_decorators
from samrad.ui.feedback import show_error

View = Callable[..., HttpResponse]
CANDIDATES_SHOWN = 1000


# Anonymous visitors go to the login page; people who are not coordinators get a 403 page saying why.
coordinator_required = ui_decorators.coordinator_required(reason=gettext_lazy("Only coordinators run dialogue series."))


def _resolving(get_managed: Callable[..., Any]) -> Callable[[View], View]:
    """A decorator that resolves `pk` with `get_managed(user=, pk=)` (404 for anyone who does not run it)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return view(request, get_managed(user=request.user, pk=pk), *args, **kwargs)

        return wrapped

    return decorator


managed_series = _resolving(access.series_get_managed)
managed_meeting = _resolving(access.meeting_get_managed)


def _organiser_choices(user: Any) -> Any:
    if access.is_platform_staff(user):
        return Organisation.objects.filter(is_active=True).order_by("name")
    return organisations_for_user(user, role=Membership.Role.COORDINATOR).order_by("name")


def _series_page(request: HttpRequest, template: str, series: DialogueSeries, **context: Any) -> HttpResponse:
    return render(request, template, {"series": series, **context})


# --- Series ------------------------------------------------------------------------------------------------


@coordinator_required
@require_http_methods(["GET"])
def manage_list(request: HttpRequest) -> HttpResponse:
    return render(request, "dialogue/staff/list.html", {"series_list": selectors.series_managed_list(request.user)})


@coordinator_required
@require_http_methods(["GET", "POST"])
def manage_create(request: HttpRequest) -> HttpResponse:
    choices = _organiser_choices(request.user)
    form = SeriesForm(
        request.POST or None,
        organisers=choices,
        initial={"organisers": list(choices.values_list("pk", flat=True)[:1])},
    )
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(
                actor=request.user,
                organisers=list(form.cleaned_data["organisers"]),
                topics=form.cleaned_data["topics"],
                **form.service_data(),
            )
        except (ValidationError, PermissionDenied) as error:
            show_error(form, error)
        else:
            messages.success(request, _("The dialogue series was created. Invite organisations next."))
            return redirect("dialogue:manage_series", pk=series.pk)
    return render(request, "dialogue/staff/series_form.html", {"form": form, "series": None})


@managed_series
@require_http_methods(["GET"])
def manage_series(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    return _series_page(
        request,
        "dialogue/staff/series.html",
        series,
        active="overview",
        meetings=selectors.with_audiences(selectors.series_meetings(series)),
        organisers=series.organisers.order_by("name"),
        invited_count=series.invitations.count(),
        input_count=series.inputs.count(),
        news=series.news.all()[:5],
    )


@managed_series
@require_http_methods(["GET", "POST"])
def manage_edit(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    choices = _organiser_choices(request.user) | series.organisers.all()
    form = SeriesForm(
        request.POST or None,
        organisers=choices.distinct().order_by("name"),
        with_topics=False,
        initial=SeriesForm.initial_for(series),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.series_update(
                actor=request.user,
                series=series,
                data={**form.service_data(), "organisers": list(form.cleaned_data["organisers"])},
            )
        except (ValidationError, PermissionDenied) as error:
            show_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("dialogue:manage_series", pk=series.pk)
    return _series_page(request, "dialogue/staff/series_form.html", series, form=form, active="edit")


@managed_series
@require_http_methods(["GET", "POST"])
def manage_topics(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_add(actor=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The topic was added."))
            return redirect("dialogue:manage_topics", pk=series.pk)
    return _series_page(
        request, "dialogue/staff/topics.html", series, form=form, topics=series.topics.all(), active="topics"
    )


@managed_series
@require_POST
def topic_remove(request: HttpRequest, series: DialogueSeries, topic_pk: int) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=topic_pk, series=series)
    services.topic_remove(actor=request.user, topic=topic)
    messages.success(request, _("The topic was removed."))
    return redirect("dialogue:manage_topics", pk=series.pk)


# --- Invited organisations ---------------------------------------------------------------------------------


@managed_series
@require_http_methods(["GET"])
def manage_invited(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    return _series_page(
        request,
        "dialogue/staff/invited.html",
        series,
        organisations=selectors.invited_organisations(series),
        active="invited",
    )


@managed_series
@require_http_methods(["GET", "POST"])
def manage_invite_add(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    search = InviteSearchForm(request.GET or None)
    candidates = Organisation.objects.none()
    searched = search.is_bound and search.is_valid() and search.has_criteria()
    if searched:
        criteria = search.criteria()
        if any(criteria.values()):
            candidates = organisations_for_referral(**criteria)
        else:
            candidates = Organisation.objects.filter(is_active=True)
        name = search.cleaned_data.get("q")
        if name:
            candidates = candidates.filter(name_search_filter(name))
        candidates = candidates.exclude(dialogue_series_invitations__series=series).order_by("name", "pk")
    form = InviteAddForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        added = services.series_invite(
            actor=request.user, series=series, organisations=list(form.cleaned_data["organisations"])
        )
        messages.success(
            request,
            ngettext("%(count)d organisation was invited.", "%(count)d organisations were invited.", added)
            % {"count": added},
        )
        return redirect("dialogue:manage_invited", pk=series.pk)
    shown = list(candidates[:CANDIDATES_SHOWN]) if searched else None
    return _series_page(
        request,
        "dialogue/staff/invite_add.html",
        series,
        search=search,
        form=form,
        candidates=shown,
        too_many=shown is not None and len(shown) == CANDIDATES_SHOWN,
        shown_max=CANDIDATES_SHOWN,
        active="invited",
    )


@managed_series
@require_POST
def manage_uninvite(request: HttpRequest, series: DialogueSeries, organisation_pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_pk, dialogue_series_invitations__series=series)
    services.series_uninvite(actor=request.user, series=series, organisation=organisation)
    messages.success(request, _("%(name)s is no longer invited.") % {"name": organisation.name})
    return redirect("dialogue:manage_invited", pk=series.pk)


# --- News --------------------------------------------------------------------------------------------------


@managed_series
@require_http_methods(["GET", "POST"])
def manage_news(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.news_post(actor=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The news was published and is being sent to everyone invited."))
            return redirect("dialogue:manage_news", pk=series.pk)
    return _series_page(request, "dialogue/staff/news.html", series, form=form, news=series.news.all(), active="news")


# --- Meetings ----------------------------------------------------------------------------------------------


@managed_series
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    form = MeetingForm(request.POST or None, series=series)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, series=series, **form.service_data())
        except (ValidationError, ServiceError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("The meeting was added. Send the invitations when it is ready."))
            return redirect("dialogue:manage_meeting", pk=meeting.pk)
    return _series_page(request, "dialogue/staff/meeting_form.html", series, form=form, meeting=None)


def _meeting_page(request: HttpRequest, template: str, meeting: Meeting, **context: Any) -> HttpResponse:
    return render(request, template, {"meeting": meeting, "series": meeting.series, **context})


@managed_meeting
@require_http_methods(["GET"])
def manage_meeting(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    return _meeting_page(
        request,
        "dialogue/staff/meeting.html",
        selectors.meeting_with_counts(meeting),
        registrations=selectors.meeting_registrations(meeting),
        audience=selectors.audience_names(meeting),
        audience_count=access.meeting_audience(meeting).count(),
        documents=meeting.documents.select_related("file"),
        document_form=DocumentForm(),
        has_started=meeting.starts_at <= timezone.now(),
        active="meeting",
    )


@managed_meeting
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if meeting.is_cancelled:
        messages.error(request, _("A cancelled meeting cannot be changed."))
        return redirect("dialogue:manage_meeting", pk=meeting.pk)
    form = MeetingForm(request.POST or None, series=meeting.series, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, data=form.service_data())
        except (ValidationError, ServiceError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("The changes were saved; participants get the new details if needed."))
            return redirect("dialogue:manage_meeting", pk=meeting.pk)
    return _meeting_page(request, "dialogue/staff/meeting_form.html", meeting, form=form)


@managed_meeting
@require_POST
def meeting_invite(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    try:
        sent = services.meeting_send_invitations(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)d invitation is being sent.", "%(count)d invitations are being sent.", sent)
            % {"count": sent},
        )
    return redirect("dialogue:manage_meeting", pk=meeting.pk)


@managed_meeting
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    if meeting.is_cancelled:
        messages.info(request, _("The meeting is already cancelled."))
        return redirect("dialogue:manage_meeting", pk=meeting.pk)
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The meeting is cancelled and everyone concerned is being told."))
            return redirect("dialogue:manage_meeting", pk=meeting.pk)
    return _meeting_page(request, "dialogue/staff/meeting_cancel.html", meeting, form=form)


@managed_meeting
@require_POST
def meeting_document_add(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.meeting_document_add(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                stream=upload,
                filename=upload.name,
            )
        except FileRejected as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The document was added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("dialogue:manage_meeting", pk=meeting.pk)


@managed_meeting
@require_POST
def meeting_document_remove(request: HttpRequest, meeting: Meeting, document_pk: int) -> HttpResponse:
    document = get_object_or_404(MeetingDocument, pk=document_pk, meeting=meeting)
    services.meeting_document_remove(actor=request.user, document=document)
    messages.success(request, _("The document was removed."))
    return redirect("dialogue:manage_meeting", pk=meeting.pk)


@managed_meeting
@require_POST
def registration_cancel(request: HttpRequest, meeting: Meeting, registration_pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=registration_pk, meeting=meeting)
    registrations.registration_cancel(actor=request.user, registration=registration)
    messages.success(request, _("The registration was cancelled."))
    return redirect("dialogue:manage_meeting", pk=meeting.pk)


# --- After the meeting -------------------------------------------------------------------------------------


def _meeting_organisations(meeting: Meeting) -> Any:
    series = meeting.series
    return (
        Organisation.objects.filter(Q(dialogue_series_invitations__series=series) | Q(organised_dialogues=series))
        .distinct()
        .order_by("name")
    )


@managed_meeting
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    registered = User.objects.filter(
        dialogue_registrations__meeting=meeting, dialogue_registrations__status=Registration.Status.REGISTERED
    ).order_by("last_name", "first_name", "pk")
    present = list(Attendance.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True))
    form = AttendanceForm(
        request.POST if "save_attendance" in request.POST else None,
        registered=registered,
        initial={"present": present},
    )
    walk_in = WalkInForm(
        request.POST if "add_walk_in" in request.POST else None, organisations=_meeting_organisations(meeting)
    )
    if request.method == "POST":
        try:
            if form.is_bound and form.is_valid():
                records.attendance_set(actor=request.user, meeting=meeting, present=form.cleaned_data["present"])
                messages.success(request, _("Attendance was saved."))
                return redirect("dialogue:attendance", pk=meeting.pk)
            if walk_in.is_bound and walk_in.is_valid():
                records.attendance_add_walk_in(actor=request.user, meeting=meeting, **walk_in.cleaned_data)
                messages.success(request, _("The person was added."))
                return redirect("dialogue:attendance", pk=meeting.pk)
        except ValidationError as error:
            show_error(walk_in if walk_in.is_bound else form, error)
    return _meeting_page(
        request,
        "dialogue/staff/attendance.html",
        meeting,
        form=form,
        walk_in=walk_in,
        walk_ins=selectors.attendances(meeting).filter(user__isnull=True),
        has_started=meeting.starts_at <= timezone.now(),
    )


@managed_meeting
@require_POST
def attendance_remove(request: HttpRequest, meeting: Meeting, attendance_pk: int) -> HttpResponse:
    attendance = get_object_or_404(Attendance, pk=attendance_pk, meeting=meeting)
    records.attendance_remove(actor=request.user, attendance=attendance)
    messages.success(request, _("The person was removed from the attendance list."))
    return redirect("dialogue:attendance", pk=meeting.pk)


@managed_meeting
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    minutes = getattr(meeting, "minutes", None)
    form = MinutesForm(
        request.POST if "save_minutes" in request.POST else None,
        initial={"body": minutes.body if minutes else ""},
    )
    link_form = LinkConsultationForm(
        request.POST if "link_consultation" in request.POST else None,
        consultations=selectors.consultations_for_linking(),
        initial={"consultation": minutes.consultation_id if minutes else None},
    )
    if request.method == "POST":
        if form.is_bound and form.is_valid():
            try:
                records.minutes_save(
                    actor=request.user,
                    meeting=meeting,
                    body=form.cleaned_data["body"],
                    publish=form.cleaned_data["publish"],
                )
            except ValidationError as error:
                show_error(form, error)
            else:
                messages.success(
                    request,
                    _("The minutes were published and the participants are being told.")
                    if form.cleaned_data["publish"] and not (minutes and minutes.is_published)
                    else _("The minutes were saved."),
                )
                return redirect("dialogue:minutes", pk=meeting.pk)
        elif link_form.is_bound and link_form.is_valid() and minutes is not None:
            records.minutes_link_consultation(
                actor=request.user, minutes=minutes, consultation=link_form.cleaned_data["consultation"]
            )
            messages.success(request, _("The link to the consultation was saved."))
            return redirect("dialogue:minutes", pk=meeting.pk)
    return _meeting_page(
        request,
        "dialogue/staff/minutes.html",
        meeting,
        minutes=minutes,
        form=form,
        link_form=link_form,
    )


@managed_meeting
@require_http_methods(["GET", "POST"])
def meeting_action_points(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = ActionPointForm(request.POST or None, organisations=_meeting_organisations(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            records.action_point_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except (ValidationError, ServiceError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("It was added."))
            return redirect("dialogue:action_points", pk=meeting.pk)
    return _meeting_page(
        request, "dialogue/staff/action_points.html", meeting, form=form, points=selectors.action_points(meeting)
    )


@managed_meeting
@require_POST
def action_point_toggle(request: HttpRequest, meeting: Meeting, point_pk: int) -> HttpResponse:
    point = get_object_or_404(ActionPoint.objects.select_related("meeting__series"), pk=point_pk, meeting=meeting)
    if "remove" in request.POST:
        records.action_point_remove(actor=request.user, point=point)
        messages.success(request, _("It was removed."))
    else:
        records.action_point_set_done(actor=request.user, point=point, done=request.POST.get("done") == "1")
        messages.success(request, _("The action point was updated."))
    return redirect("dialogue:action_points", pk=meeting.pk)


# --- Input and participation -------------------------------------------------------------------------------


@managed_series
@require_http_methods(["GET"])
def manage_inputs(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    consultations = selectors.consultations_for_linking()
    inputs = list(selectors.inputs_for(request.user, series))
    forms = {
        item.pk: LinkConsultationForm(
            consultations=consultations, initial={"consultation": item.consultation_id}, prefix=f"input-{item.pk}"
        )
        for item in inputs
    }
    return _series_page(
        request,
        "dialogue/staff/inputs.html",
        series,
        rows=[(item, forms[item.pk]) for item in inputs],
        active="inputs",
    )


@managed_series
@require_POST
def input_link(request: HttpRequest, series: DialogueSeries, input_pk: int) -> HttpResponse:
    item = get_object_or_404(Input, pk=input_pk, series=series)
    form = LinkConsultationForm(
        request.POST, consultations=selectors.consultations_for_linking(), prefix=f"input-{item.pk}"
    )
    if form.is_valid():
        records.input_link_consultation(actor=request.user, item=item, consultation=form.cleaned_data["consultation"])
        messages.success(request, _("The link to the consultation was saved."))
    else:
        messages.error(request, _("Choose a consultation from the list."))
    return redirect("dialogue:manage_inputs", pk=series.pk)


@managed_series
@require_http_methods(["GET"])
def participation(request: HttpRequest, series: DialogueSeries) -> HttpResponse:
    meetings, rows = selectors.participation_overview(series)
    return _series_page(
        request,
        "dialogue/staff/participation.html",
        series,
        meetings=meetings,
        rows=[(row, [row.cell(m.pk) for m in meetings]) for row in rows],
        active="participation",
    )


@managed_series
@require_http_methods(["GET"])
def participation_organisation(request: HttpRequest, series: DialogueSeries, organisation_pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_pk, dialogue_series_invitations__series=series)
    registered, came, inputs = selectors.organisation_participation(series, organisation)
    return _series_page(
        request,
        "dialogue/staff/participation_organisation.html",
        series,
        organisation=organisation,
        registrations=registered,
        attendances=came,
        inputs=inputs,
        active="participation",
    )
