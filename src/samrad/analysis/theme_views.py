"""The themes page of a consultation (/samordning/<pk>/analys/teman/): build the themes in the background and
follow the progress, then per question the themes with their answers per stance and their quotes; rename,
merge, split, move a quote, sign off. Every change goes through `theme_services`. The consultation's
coordinators only: to anyone else signed in the consultation does not exist (404), as on every coordination page."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samrad.analysis import theme_services as ts
from samrad.analysis.models import Theme, ThemeQuote
from samrad.consultations.models import Consultation
from samrad.consultations.views.coordination import _page, managed

View = Callable[..., HttpResponse]


def _back(consultation: Consultation, anchor: str = "") -> HttpResponse:
    response = redirect("analysis:themes", pk=consultation.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _theme(consultation: Consultation, theme_id: int | str | None) -> Theme:
    return get_object_or_404(
        Theme.objects.select_related("run__consultation"), pk=theme_id, run__consultation=consultation
    )


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@never_cache
@managed
@require_GET
def themes(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    review = ts.theme_review(consultation)
    return _page(request, "analysis/themes.html", consultation, review=review)


@never_cache
@managed
@require_GET
def themes_progress(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The progress box alone, for htmx to poll while a run is queued or running."""
    return render(
        request,
        "analysis/_theme_progress.html",
        {"consultation": consultation, "latest": ts.latest_run(consultation), "polled": True},
    )


@managed
@require_POST
def themes_start(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    ts.themes_run_start(actor=request.user, consultation=consultation)
    messages.success(request, _("The themes are being built in the background. The page shows how far it has come."))
    return _back(consultation)


@managed
@require_POST
def theme_rename(request: HttpRequest, consultation: Consultation, theme_id: int) -> HttpResponse:
    theme = _theme(consultation, theme_id)
    try:
        ts.theme_rename(actor=request.user, theme=theme, label=request.POST.get("label", ""))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The theme has been renamed."))
    return _back(consultation, f"theme-{theme.pk}")


@managed
@require_POST
def theme_merge(request: HttpRequest, consultation: Consultation, theme_id: int) -> HttpResponse:
    theme = _theme(consultation, theme_id)
    into = _theme(consultation, request.POST.get("into") or 0)
    try:
        ts.themes_merge(actor=request.user, theme=theme, into=into)
    except ValidationError as error:
        _error(request, error)
        return _back(consultation, f"theme-{theme.pk}")
    messages.success(request, _("The themes have been merged."))
    return _back(consultation, f"theme-{into.pk}")


@managed
@require_POST
def theme_split(request: HttpRequest, consultation: Consultation, theme_id: int) -> HttpResponse:
    theme = _theme(consultation, theme_id)
    ids = [value for value in request.POST.getlist("quotes") if value.isdigit()]
    quotes = list(ThemeQuote.objects.filter(theme=theme, pk__in=ids).select_related("submission"))
    try:
        new = ts.theme_split(actor=request.user, theme=theme, quotes=quotes, label=request.POST.get("label", ""))
    except ValidationError as error:
        _error(request, error)
        return _back(consultation, f"theme-{theme.pk}")
    messages.success(request, _("The quotes have been split off into a new theme."))
    return _back(consultation, f"theme-{new.pk}")


@managed
@require_POST
def quote_move(request: HttpRequest, consultation: Consultation, quote_id: int) -> HttpResponse:
    quote = get_object_or_404(
        ThemeQuote.objects.select_related("theme__run__consultation", "submission"),
        pk=quote_id,
        theme__run__consultation=consultation,
    )
    to = _theme(consultation, request.POST.get("to") or 0)
    try:
        ts.quote_move(actor=request.user, quote=quote, to=to)
    except ValidationError as error:
        _error(request, error)
        return _back(consultation, f"theme-{quote.theme_id}")
    messages.success(request, _("The quote has been moved."))
    return _back(consultation, f"theme-{to.pk}")


@managed
@require_POST
def themes_sign_off(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    run = ts.latest_done_run(consultation)
    if run is None or str(run.pk) != request.POST.get("run"):
        messages.error(request, _("These themes have been replaced by a newer run."))
        return _back(consultation)
    try:
        ts.themes_sign_off(actor=request.user, run=run)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The themes have been signed off."))
    return _back(consultation)
