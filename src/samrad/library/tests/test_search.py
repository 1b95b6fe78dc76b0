"""Search on whichever database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL): the same
corpus and queries must give the same results on both."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from samrad.consultations.models import Consultation
from samrad.documents.tests import samples
from samrad.library.indexing import search_reindex
from samrad.library.models import LibraryDocument, SearchEntry
from samrad.library.search import search
from samrad.library.swedish import STOP_WORDS, stem

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def titles(user, query, **filters):
    return [hit.entry.title for hit in search(user=user, query=query, **filters).hits]


@pytest.fixture
def corpus(make_consultation, add_library_document, region):
    """A small knowledge base and two consultations, indexed."""
    open_one = make_consultation(
        open=True,
        title="Remiss om en ny regionbildning",
        summary="Förslag till en större region för Stockholm och Gotland.",
        body="Regionbildningen berör alla kommuner i länet.",
        questions=("Hur påverkas kommunerna av regionbildningen?",),
    )
    make_consultation(
        title="Utkast: Kollektivtrafikens framtid",
        summary="Ett hemligt utkast om kollektivtrafiken i kommunen.",
        questions=(),
    )
    add_library_document(
        "Kommunernas ekonomi 2026",
        kind=LibraryDocument.Kind.STATISTICS,
        summary="Statistik om kommunens skatteintäkter och kostnader.",
        organisation=region,
        published_on=dt.date(2026, 3, 1),
    )
    add_library_document(
        "Indelningskommitténs delbetänkande",
        kind=LibraryDocument.Kind.REPORT,
        summary="Utredningen om ny regional indelning.",
        pages=(
            "Inledning och bakgrund till utredningen.",
            "Kapitel 2. En regionbildning med Stockholm och Gotland ger ett starkare län.",
            "Kapitel 3. Kostnader för kollektivtrafiken.",
        ),
        published_on=dt.date(2025, 11, 15),
    )
    add_library_document(
        "Intern PM om budgeten",
        visibility=LibraryDocument.Visibility.STAFF,
        summary="Regionbildningens kostnader för kommunerna, internt underlag.",
    )
    search_reindex()
    return open_one


def test_inflected_swedish_forms_find_each_other(corpus):
    # "kommunerna" finds "kommun", "kommuner", "kommunens", "Kommunernas".
    found = titles(ANONYMOUS, "kommunerna")
    assert set(found) == {
        "Remiss om en ny regionbildning",
        "Hur påverkas kommunerna av regionbildningen?",
        "Kommunernas ekonomi 2026",
    }
    # "regionbildningen" finds "regionbildning" (title, body, a page of a PDF).
    found = titles(ANONYMOUS, "regionbildningen")
    assert set(found) == {
        "Remiss om en ny regionbildning",
        "Hur påverkas kommunerna av regionbildningen?",
        "Indelningskommitténs delbetänkande",
    }


def test_the_same_results_on_every_database(corpus):
    """Titles matches first, then matches in the text; the query syntax means the same on both databases."""
    found = titles(ANONYMOUS, "regionbildning")
    assert set(found[:2]) == {"Remiss om en ny regionbildning", "Hur påverkas kommunerna av regionbildningen?"}
    assert found[2:] == ["Indelningskommitténs delbetänkande"]
    assert titles(ANONYMOUS, "kollektivtrafiken kostnader") == ["Indelningskommitténs delbetänkande"]
    assert titles(ANONYMOUS, '"större region"') == ["Remiss om en ny regionbildning"]
    assert set(titles(ANONYMOUS, "gotland")) == {"Remiss om en ny regionbildning", "Indelningskommitténs delbetänkande"}
    assert titles(ANONYMOUS, "gotland -kapitel") == ["Remiss om en ny regionbildning"]
    assert set(titles(ANONYMOUS, "skatteintäkter or delbetänkandet")) == {
        "Kommunernas ekonomi 2026",
        "Indelningskommitténs delbetänkande",
    }
    assert titles(ANONYMOUS, "och i en") == []
    assert titles(ANONYMOUS, "-regionbildning") == []


def test_a_title_match_ranks_before_text_matches(make_consultation, add_library_document):
    add_library_document("Bostadsförsörjning i länet", summary="Om planering.")
    add_library_document(
        "Underlag om planering",
        summary=" ".join(["Bostadsförsörjningen och bostadsförsörjning i kommunerna."] * 20),
    )
    make_consultation(open=True, title="Trafikplan", body="Bostadsförsörjning nämns i förbigående.")
    search_reindex()
    found = titles(ANONYMOUS, "bostadsförsörjningen")
    assert found[0] == "Bostadsförsörjning i länet"
    assert set(found[1:]) == {"Underlag om planering", "Trafikplan"}


def test_document_pages_are_found_with_their_page_number_and_a_marked_snippet(corpus):
    hit = next(h for h in search(user=ANONYMOUS, query="regionbildningarna").hits if h.entry.page is not None)
    assert hit.entry.kind == SearchEntry.Kind.LIBRARY
    assert hit.entry.page == 2
    assert "<mark>regionbildning</mark>" in hit.snippet_html
    assert hit.entry.url.startswith("/kunskapsbank/")


def test_snippets_are_escaped(add_library_document):
    add_library_document("Skript", summary='Regionbildning <script>alert("x")</script> & mer')
    search_reindex()
    hit = search(user=ANONYMOUS, query="regionbildning").hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "&amp; mer" in hit.snippet_html
    assert hit.snippet_html.startswith("<mark>Regionbildning</mark>")


def test_the_public_never_finds_anything_unpublished(corpus, coordinator, other_coordinator, nacka_person):
    assert titles(ANONYMOUS, "kollektivtrafiken") == ["Indelningskommitténs delbetänkande"]
    assert "Intern PM om budgeten" not in titles(ANONYMOUS, "kostnader")
    # A respondent is no coordinator: neither the draft nor the staff memo.
    assert titles(nacka_person, "kollektivtrafiken") == ["Indelningskommitténs delbetänkande"]
    assert "Intern PM om budgeten" not in titles(nacka_person, "kostnader")
    # The coordinator who runs the draft finds it; another coordinator finds the staff memo but not the draft.
    assert "Utkast: Kollektivtrafikens framtid" in titles(coordinator, "kollektivtrafiken")
    assert "Utkast: Kollektivtrafikens framtid" not in titles(other_coordinator, "kollektivtrafiken")
    assert "Intern PM om budgeten" in titles(other_coordinator, "kostnader")


def test_a_consultation_is_found_by_all_once_opened(corpus, coordinator):
    draft = Consultation.objects.get(title="Utkast: Kollektivtrafikens framtid")
    Consultation.objects.filter(pk=draft.pk).update(status=Consultation.Status.OPEN)
    search_reindex(sources=["consultation"])
    assert "Utkast: Kollektivtrafikens framtid" in titles(ANONYMOUS, "kollektivtrafiken")


def test_a_respondent_never_finds_another_organisations_draft_or_submission(
    make_consultation, submit_answer, nacka_person, solna_person, coordinator, other_coordinator
):
    consultation = make_consultation(open=True, title="Remiss om vattenplanen")
    submit_answer(
        nacka_person,
        consultation,
        "Nacka tillstyrker vattenplanen.",
        keep_draft="Nackas hemliga omarbetning om dagvatten",
        attachment=samples.make_pdf("Protokollsutdrag: Nacka kommunstyrelse om grundvattnet"),
    )
    submit_answer(solna_person, consultation, "Solna avstyrker vattenplanen.")
    search_reindex()

    nacka_title = "Nacka kommun – Remiss om vattenplanen"
    solna_title = "Solna stad – Remiss om vattenplanen"
    # Each organisation finds its own submission, never the other's; nobody finds a draft.
    assert titles(nacka_person, "tillstyrker") == [nacka_title]
    assert titles(nacka_person, "avstyrker") == []
    assert titles(solna_person, "avstyrker") == [solna_title]
    assert titles(solna_person, "tillstyrker") == []
    assert titles(nacka_person, "dagvattnet") == []
    assert titles(coordinator, "dagvattnet") == []
    # The attachment's text is found by Nacka with its page, not by Solna.
    hits = search(user=nacka_person, query="kommunstyrelsens").hits
    assert [(h.entry.title, h.entry.page) for h in hits] == [(nacka_title + " (beslut.pdf)", 1)]
    assert search(user=solna_person, query="kommunstyrelsens").total == 0
    # The coordinators running the consultation find both; others and the public neither.
    assert set(titles(coordinator, "vattenplanen tillstyrker or avstyrker")) == {nacka_title, solna_title}
    assert titles(other_coordinator, "tillstyrker") == []
    assert titles(ANONYMOUS, "tillstyrker") == []


def test_filters_by_kind_organisation_and_date(corpus, region):
    assert titles(ANONYMOUS, "regionbildning", kinds=["question"]) == ["Hur påverkas kommunerna av regionbildningen?"]
    assert set(titles(ANONYMOUS, "kommunerna", kinds=["library"])) == {"Kommunernas ekonomi 2026"}
    assert titles(ANONYMOUS, "kommunerna", organisation_id=region.pk, kinds=["library"]) == ["Kommunernas ekonomi 2026"]
    assert titles(ANONYMOUS, "regionbildning", kinds=["library"], date_to=dt.date(2025, 12, 31)) == [
        "Indelningskommitténs delbetänkande"
    ]
    assert titles(ANONYMOUS, "regionbildning", kinds=["library"], date_from=dt.date(2026, 1, 1)) == []


def test_paging_counts_only_what_the_user_may_see(corpus):
    first = search(user=ANONYMOUS, query="regionbildning", limit=2)
    second = search(user=ANONYMOUS, query="regionbildning", limit=2, offset=2)
    assert first.total == second.total == 3
    assert first.has_next and not second.has_next
    assert len({h.entry.pk for h in first.hits} | {h.entry.pk for h in second.hits}) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's own stemmer")
def test_python_stems_are_postgresqls_swedish_stems():
    text = (
        "kommunerna kommuner kommunens regionbildningen regionbildningar förslaget förslag utredningen "
        "åtgärderna bostäderna kollektivtrafiken landstingets befolkningen samverkansformer yttrandet beslutet "
        "nämnderna länsstyrelsen kunskapsunderlaget sjukvården kostnaderna översiktsplanen delregionerna och "
        "inte eller indelningskommitténs skatteintäkter grundvattnet"
    )
    with connection.cursor() as cursor:
        for word in text.split():
            cursor.execute("SELECT ts_lexize('swedish_stem', %s)", [word])
            lexemes = cursor.fetchone()[0]
            expected = [] if word in STOP_WORDS else [stem(word)]
            assert lexemes == expected, word


@pytest.fixture
def long_report(add_library_document):
    """A report whose words are in its summary and on seven of its eight pages; page 8 is over CHUNK_CHARS long,
    so it is indexed in two pieces, both with the word."""
    from samrad.library.indexing import CHUNK_CHARS

    filler = "Ett stycke om annat. " * (CHUNK_CHARS // 20)
    pages = (
        *tuple(f"Sida {number}: samverkan i länet." for number in range(1, 7)),
        "Här står inget om saken.",
        f"Samverkan i början. {filler} Samverkan i slutet.",
    )
    document = add_library_document("Rapport om länets framtid", summary="Om samverkan mellan kommunerna.", pages=pages)
    add_library_document("Kort PM", summary="Samverkan i korthet.")
    search_reindex()
    return document


def test_a_document_is_one_result_with_the_pages_where_the_words_are(long_report):
    results = search(user=ANONYMOUS, query="samverkan")
    assert [hit.entry.title for hit in results.hits].count("Rapport om länets framtid") == 1
    assert results.total == len(results.hits) == 2
    report = next(hit for hit in results.hits if hit.entry.title == "Rapport om länets framtid")
    assert report.entry.page is None  # the document's own entry: its summary matched
    assert "<mark>samverkan</mark>" in report.snippet_html
    assert "<mark>" not in report.title_html
    # The first five matching pages, in page order; the other two are counted (page 8 once, not twice).
    assert len(report.pages) == 5
    assert [page.page for page in report.pages] == sorted(page.page for page in report.pages)
    assert len({page.page for page in report.pages}) == 5
    assert 7 not in {page.page for page in report.pages}
    assert report.more_pages == 2
    assert all("<mark>" in page.snippet_html for page in report.pages)


def test_paging_counts_documents_not_pages(long_report):
    first = search(user=ANONYMOUS, query="samverkan", limit=1)
    second = search(user=ANONYMOUS, query="samverkan", limit=1, offset=1)
    past = search(user=ANONYMOUS, query="samverkan", limit=1, offset=5)
    assert first.total == second.total == past.total == 2
    assert first.has_next and not second.has_next and past.hits == []
    assert {first.hits[0].entry.title, second.hits[0].entry.title} == {"Rapport om länets framtid", "Kort PM"}


def test_a_document_found_only_in_its_pages_shows_its_best_page(long_report):
    hit = search(user=ANONYMOUS, query="länet sida").hits[0]
    assert hit.entry.title == "Rapport om länets framtid"
    assert hit.entry.page is not None
    assert [page.page for page in hit.pages] == [1, 2, 3, 4, 5]
    assert hit.more_pages == 1
    assert "<mark>" in hit.snippet_html
