"""The search page (/sok/?q=...): one search box over everything the user may find."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samrad.library.forms import SearchForm
from samrad.library.search import SearchResults, search

PAGE_SIZE = 20


def _offset(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 10_000))
    except ValueError:
        return 0


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: SearchResults | None = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        results = search(
            user=request.user,
            query=data["q"],
            kinds=[data["kind"]] if data["kind"] else [],
            organisation_id=data["organisation"].pk if data["organisation"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            limit=PAGE_SIZE,
            offset=_offset(request.GET.get("offset")),
        )
    return render(
        request,
        "library/search.html",
        {
            "form": form,
            "results": results,
            "next_offset": results.offset + results.limit if results else 0,
            "previous_offset": max(0, results.offset - results.limit) if results else 0,
        },
    )
