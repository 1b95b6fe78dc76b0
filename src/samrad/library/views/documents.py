"""Pages of the knowledge base (/kunskapsbank/): browse and read for everyone, curate for coordinators."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samrad.accounts.selectors import user_is_coordinator
from samrad.documents.inspection import FileRejected
from samrad.documents.naming import download_name
from samrad.errors import ServiceError
from samrad.library import selectors, services
from samrad.library.forms import LibraryDocumentForm, LibraryFilterForm, document_initial
from samrad.library.models import LibraryDocument
from samrad.ui.feedback import show_error

PAGE_SIZE = 25


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None, tags=list(selectors.tag_list().values_list("name", flat=True)))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "kind": data["kind"] or None,
            "tag": data["tag"] or None,
            "organisation_id": data["organisation"].pk if data["organisation"] else None,
            "text": data["text"] or None,
        }
    documents = selectors.library_document_list(user=request.user, **filters)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "library/document_list.html",
        {"filter_form": form, "page_obj": page, "may_curate": user_is_coordinator(request.user)},
    )


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.library_document_get_visible(user=request.user, pk=pk)
    may_edit = selectors.library_documents_curated_by(request.user).filter(pk=document.pk).exists()
    return render(request, "library/document_detail.html", {"document": document, "may_edit": may_edit})


@require_GET
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.library_document_get_visible(user=request.user, pk=pk)
    if document.file is None:
        raise Http404
    try:
        handle = document.file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(document.file), content_type=document.file.content_type
    )
    if document.visibility != LibraryDocument.Visibility.PUBLIC:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    if not user_is_coordinator(request.user):
        raise Http404
    documents = (
        selectors.library_documents_curated_by(request.user)
        .select_related("organisation", "file")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/manage_list.html", {"page_obj": page})


def _service_arguments(form: LibraryDocumentForm) -> dict[str, Any]:
    data = form.cleaned_data
    upload = data.get("file")
    return {
        "title": data["title"],
        "summary": data["summary"],
        "kind": data["kind"],
        "tags": data["tags"],
        "published_on": data["published_on"],
        "organisation": data["organisation"],
        "file_stream": upload if upload else None,
        "file_name": upload.name if upload else "",
        "url": data["url"],
        "consultations": data["consultations"],
        "dialogue_series": data["dialogue_series"],
        "visibility": data["visibility"],
        "readers": data["readers"],
    }


def _save(request: HttpRequest, form: LibraryDocumentForm, document: LibraryDocument | None) -> LibraryDocument | None:
    try:
        if document is None:
            return services.library_document_create(actor=request.user, **_service_arguments(form))
        return services.library_document_update(actor=request.user, document=document, **_service_arguments(form))
    except FileRejected as exc:
        form.add_error("file", exc.message)
    except PermissionDenied as exc:
        form.add_error("organisation", str(exc))
    except (ValidationError, ServiceError) as exc:
        show_error(form, exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest) -> HttpResponse:
    if not user_is_coordinator(request.user):
        raise Http404
    form = LibraryDocumentForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"visibility": LibraryDocument.Visibility.PUBLIC, "kind": LibraryDocument.Kind.REPORT},
    )
    if request.method == "POST" and form.is_valid():
        document = _save(request, form, None)
        if document is not None:
            messages.success(request, _("The document was added to the knowledge base."))
            return redirect("library:detail", pk=document.pk)
    return render(request, "library/document_form.html", {"form": form, "document": None})


@login_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.library_document_get_curated(user=request.user, pk=pk)
    form = LibraryDocumentForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        document=document,
        initial=document_initial(document),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, document)
        if saved is not None:
            messages.success(request, _("The changes were saved."))
            return redirect("library:detail", pk=saved.pk)
    return render(request, "library/document_form.html", {"form": form, "document": document})


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.library_document_get_curated(user=request.user, pk=pk)
    if request.method == "POST":
        services.library_document_delete(actor=request.user, document=document)
        messages.success(request, _("The document was removed from the knowledge base."))
        return redirect("library:manage")
    return render(request, "library/document_confirm_delete.html", {"document": document})
