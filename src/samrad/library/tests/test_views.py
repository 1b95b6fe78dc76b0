import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from samrad.documents.tests import samples
from samrad.library.indexing import search_reindex
from samrad.library.models import LibraryDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def documents(add_library_document, region, nacka):
    public = add_library_document(
        "Regionbildning i Stockholms län",
        kind=LibraryDocument.Kind.REPORT,
        tags=["region"],
        organisation=region,
        published_on=dt.date(2026, 2, 1),
        pages=("Bakgrund", "Regionbildningen och kommunerna <b>fetstil</b>"),
    )
    scanned = add_library_document("Skannat protokoll", kind=LibraryDocument.Kind.DECISION, pages=("", ""))
    staff = add_library_document("Intern PM", visibility=LibraryDocument.Visibility.STAFF)
    shared = add_library_document(
        "Delat med Nacka", visibility=LibraryDocument.Visibility.ORGANISATIONS, readers=[nacka]
    )
    search_reindex()
    return {"public": public, "scanned": scanned, "staff": staff, "shared": shared}


def test_the_public_browses_and_filters_the_knowledge_base(client, documents, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = client.get(reverse("library:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Regionbildning i Stockholms län" in text
    assert "Skannat protokoll" in text
    assert "Ingen sökbar text" in text  # the scanned file is flagged
    assert "Intern PM" not in text
    assert "Delat med Nacka" not in text
    filtered = client.get(reverse("library:list"), {"kind": "decision"}).content.decode()
    assert "Skannat protokoll" in filtered
    assert "Regionbildning i Stockholms län" not in filtered
    assert "Regionbildning i Stockholms län" in client.get(reverse("library:list"), {"tag": "region"}).content.decode()


def test_a_reader_opens_a_document_and_downloads_its_file(client, documents):
    public = documents["public"]
    page = client.get(reverse("library:detail", args=[public.pk]))
    assert page.status_code == 200
    assert "Ladda ned" in page.content.decode()
    download = client.get(reverse("library:file", args=[public.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    scanned = client.get(reverse("library:detail", args=[documents["scanned"].pk])).content.decode()
    assert "troligen skannad" in scanned


def test_hidden_documents_are_not_found(client, documents, nacka_person, solna_person):
    for key in ("staff", "shared"):
        assert client.get(reverse("library:detail", args=[documents[key].pk])).status_code == 404
    client.force_login(solna_person)
    assert client.get(reverse("library:detail", args=[documents["shared"].pk])).status_code == 404
    client.force_login(nacka_person)
    assert client.get(reverse("library:detail", args=[documents["shared"].pk])).status_code == 200
    assert client.get(reverse("library:detail", args=[documents["staff"].pk])).status_code == 404
    assert client.get(reverse("library:manage")).status_code == 404
    assert client.get(reverse("library:edit", args=[documents["public"].pk])).status_code == 404


def test_a_coordinator_adds_changes_and_removes_a_document(client, coordinator, region):
    client.force_login(coordinator)
    assert client.get(reverse("library:manage")).status_code == 200
    form = client.get(reverse("library:create"))
    assert form.status_code == 200

    missing = client.post(reverse("library:create"), {"title": "Utan fil", "kind": "report", "visibility": "public"})
    assert missing.status_code == 200
    assert "Ladda upp en fil eller ange en länk" in missing.content.decode()
    assert "error-summary" in missing.content.decode()

    upload = SimpleUploadedFile("plan.pdf", samples.make_pdf("Planens text"), content_type="application/pdf")
    created = client.post(
        reverse("library:create"),
        {
            "title": "Regional plan",
            "summary": "Sammanfattning",
            "kind": "proposal",
            "tags": "plan, region",
            "organisation": region.pk,
            "visibility": "public",
            "file": upload,
        },
    )
    document = LibraryDocument.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("library:detail", args=[document.pk])
    assert document.file is not None and document.organisation == region

    changed = client.post(
        reverse("library:edit", args=[document.pk]),
        {
            "title": "Regional plan 2027",
            "kind": "proposal",
            "tags": "plan",
            "organisation": region.pk,
            "visibility": "staff",
        },
    )
    assert changed.status_code == 302
    document.refresh_from_db()
    assert document.title == "Regional plan 2027"
    assert document.visibility == LibraryDocument.Visibility.STAFF
    assert document.file is not None  # kept

    refused = client.post(
        reverse("library:edit", args=[document.pk]),
        {
            "title": "Program",
            "kind": "other",
            "visibility": "public",
            "file": SimpleUploadedFile("a.pdf", samples.make_elf_executable()),
        },
    )
    assert refused.status_code == 200
    assert "Den här typen av fil tas inte emot" in refused.content.decode()

    assert client.get(reverse("library:delete", args=[document.pk])).status_code == 200
    removed = client.post(reverse("library:delete", args=[document.pk]))
    assert removed.status_code == 302
    assert not LibraryDocument.objects.exists()


def test_the_search_page_shows_ranked_highlighted_results_with_page_numbers(client, documents):
    page = client.get(reverse("search:results"), {"q": "regionbildningen"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'type="search"' in text and 'name="q"' in text and 'value="regionbildningen"' in text
    assert "<mark>Regionbildning</mark> i Stockholms län" in text
    assert "sida 2" in text
    assert "<mark>Regionbildningen</mark> och kommunerna &lt;b&gt;fetstil&lt;/b&gt;" in text
    assert "Intern PM" not in text


def test_the_search_page_without_a_query_or_with_bad_dates(client, documents):
    empty = client.get(reverse("search:results"))
    assert empty.status_code == 200
    assert "resultat" not in empty.content.decode()
    bad = client.get(reverse("search:results"), {"q": "region", "date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert bad.status_code == 200
    assert "Slutdatumet är före startdatumet" in bad.content.decode()
    nothing = client.get(reverse("search:results"), {"q": "kvantfysik"}).content.decode()
    assert "0 resultat" in nothing


def ascii_pdf() -> bytes:
    """A one-page PDF in plain ASCII (no compressed streams), with a correct cross-reference table."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources<<>>>>",
        b"<</Length 0>>stream\n\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_an_html_page_with_a_pdf_inside_is_kept_and_served_as_plain_text_never_as_html(client, coordinator, region):
    """Browsers and PDF readers accept a PDF that starts after some text: this file is both a web page and a
    PDF. The intake takes it for what its first bytes are (UTF-8 text), and so it is named and served."""
    polyglot = b"<html><body><script>alert(document.cookie)</script>\n" + ascii_pdf()
    assert len(PdfReader(io.BytesIO(polyglot)).pages) == 1  # a PDF reader opens it as a PDF
    client.force_login(coordinator)
    created = client.post(
        reverse("library:create"),
        {
            "title": "Sida och PDF",
            "kind": "report",
            "organisation": region.pk,
            "visibility": "public",
            "file": SimpleUploadedFile("rapport.html", polyglot, content_type="text/html"),
        },
    )
    assert created.status_code == 302, created.context["form"].errors
    document = LibraryDocument.objects.get()
    assert (document.file.kind, document.file.original_name) == ("txt", "rapport.txt")
    download = client.get(reverse("library:file", args=[document.pk]))
    assert download["Content-Type"] == "text/plain"
    assert download["Content-Disposition"] == 'attachment; filename="rapport.txt"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_dates_in_year_1_or_9999_are_refused_on_the_search_and_the_document_forms(client, coordinator, documents):
    refused = "Välj ett datum mellan 1 januari 1900 och 31 december 2100."
    for day in ("0001-01-01", "9999-12-31"):
        searched = client.get(reverse("search:results"), {"q": "region", "date_from": day})
        assert searched.status_code == 200 and refused in searched.content.decode()
    client.force_login(coordinator)
    link = {"title": "Gammal utredning", "kind": "report", "visibility": "public", "url": "https://example.se/sou"}
    created = client.post(reverse("library:create"), {**link, "published_on": "0001-01-01"})
    assert created.status_code == 200 and refused in created.content.decode()
    assert not LibraryDocument.objects.filter(title="Gammal utredning").exists()
    older = client.post(reverse("library:create"), {**link, "published_on": "1974-06-01"})  # last century is fine
    assert older.status_code == 302


def test_the_search_page_lists_a_document_once_with_its_matching_pages(client, add_library_document):
    from samrad.library.indexing import search_reindex

    add_library_document(
        "Rapport om samverkan",
        summary="Kort om rapporten.",
        pages=("Inledning om samverkan.", "Inget här.", "Mer samverkan i länet.", "Samverkan igen."),
    )
    search_reindex()
    text = client.get(reverse("search:results"), {"q": "samverkan"}).content.decode()
    assert "1 resultat för" in text
    assert text.count("Rapport om <mark>samverkan</mark>") == 1
    assert 'aria-label="Sidor i Rapport om samverkan där orden finns"' in text
    for number in (1, 3, 4):
        assert f'<span class="search-result__page">sida {number}:</span>' in text
    assert "sida 2:" not in text
