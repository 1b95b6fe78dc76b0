"""The "Analys" tab of a consultation: per stance question the distribution of the effective stances (counts,
shares, weighted by population) with a bar chart drawn as inline SVG and its numbers as a table, breakdowns by
kind and by group, and the same figures as XLSX. The consultation's coordinators only (anyone else: 404, as the
reading pages)."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samrad.analysis import alike as alike_services
from samrad.analysis import charts, county_maps, distribution, exports
from samrad.consultations.exports import export_record, spooled_file
from samrad.consultations.models import Consultation
from samrad.consultations.views.coordination import _page, managed
from samrad.consultations.views.exports import XLSX_CONTENT_TYPE, _as_download, _file_name


def chart_of(overall: distribution.Distribution) -> charts.Chart:
    """The bar chart of a question's shares: per stance a bar for its share of bodies and one below it for its
    share weighted by population."""
    return charts.bar_chart((line.label, line.percent, line.weighted_percent) for line in overall.lines)


@managed
@require_GET
def distributions(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    result = distribution.consultation_distributions(consultation)
    return _page(
        request,
        "analysis/distributions.html",
        consultation,
        result=result,
        items=[(item, chart_of(item.overall)) for item in result.questions],
    )


@managed
@require_GET
def county_map(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The county map on a page of its own (each map is some 20 kB of SVG; the Analys page stays light)."""
    result = county_maps.consultation_maps(consultation)
    status_map = None
    question_maps = []
    if result.status is not None:
        status_map = county_maps.drawn(
            result.status, title=_("What became of each municipality's referral"), prefix="map-status"
        )
        question_maps = [
            (
                item.number,
                item.question,
                county_maps.drawn(
                    item.map,
                    title=_("Each municipality's stance on question %(number)s") % {"number": item.number},
                    prefix=f"map-q{item.question.pk}",
                ),
            )
            for item in result.questions
        ]
    return _page(request, "analysis/map.html", consultation, status_map=status_map, question_maps=question_maps)


@never_cache
@managed
@require_GET
def distributions_xlsx(request: HttpRequest, consultation: Consultation) -> FileResponse:
    result = distribution.consultation_distributions(consultation)
    target = spooled_file()
    exports.distributions_xlsx_write(result, target)
    target.seek(0)
    export_record(
        actor=request.user,
        consultation=consultation,
        export_format="distributions.xlsx",
        details={"bodies": result.bodies},
    )
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    _as_download(response, _file_name(consultation, _("stances"), "xlsx"))
    return response


# --- Who answered alike -------------------------------------------------------------------------------------

CELL = 10  # one answer's row and column in the similarity picture, in the SVG's user units
LABEL_ROOM = 34  # room left of and above the matrix for the group numbers


@managed
@require_GET
def alike(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    page = alike_services.similarity_page(consultation)
    size = page.picture.size if page.picture else 0
    return _page(
        request,
        "analysis/alike.html",
        consultation,
        page=page,
        cell=CELL,
        half=CELL // 2,
        offset=LABEL_ROOM,
        extent=LABEL_ROOM + size * CELL,
    )


@managed
@require_GET
def alike_status(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The state of the newest run as a fragment, polled by the page while a run waits or runs."""
    page = alike_services.similarity_page_status(consultation)
    return render(request, "analysis/_alike_status.html", {"consultation": consultation, "page": page, "polled": True})


@managed
@require_POST
def alike_run(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    alike_services.similarity_request(actor=request.user, consultation=consultation)
    messages.success(
        request,
        _(
            "Comparing the answers has been queued. This page shows how far it has come; the result appears when "
            "it is done."
        ),
    )
    return redirect("analysis:alike", pk=consultation.pk)
