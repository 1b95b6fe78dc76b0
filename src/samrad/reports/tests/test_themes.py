"""The analysis's themes in the compilation: per stance question each theme with its answers per stance and its
quotes (traceable to the answer's receipt number and page), in all four formats; the compilation is signed off only
with signed-off themes, and what a coordinator renamed is what the compilation says."""

import io
import json

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from samrad.analysis import theme_services as ts
from samrad.analysis.models import Theme, ThemeQuote, ThemeRun
from samrad.analysis.tests.theme_world import themed_world
from samrad.consultations.models import Consultation
from samrad.consultations.services import consultation_close
from samrad.errors import NotAllowedNow
from samrad.reports import formats, services
from samrad.reports.content import THEMES_DRAFT, THEMES_NONE, THEMES_SIGNED_OFF, Content, compilation_content

pytestmark = pytest.mark.django_db

RENAMED = "Busstrafiken till gymnasieskolorna"


@pytest.fixture
def themed(region, coordinator):
    world = themed_world(region, coordinator, first=12)
    consultation = world["consultation"]
    consultation_close(actor=coordinator, consultation=consultation)
    run = ts.themes_run_start(actor=coordinator, consultation=consultation)
    world["run"] = ts.themes_build(run_id=run.pk)
    return world


def _expected(run: ThemeRun) -> dict[str, tuple[int, set[str]]]:
    """Per theme label: the number of answers with a passage in it, and the receipt numbers of its shown quotes,
    straight from the database."""
    out = {}
    for theme in Theme.objects.filter(run=run):
        quotes = ThemeQuote.objects.filter(theme=theme)
        shown = quotes.filter(is_representative=True) | quotes.filter(placed_by_person=True)
        out[theme.label] = (
            quotes.values("submission").distinct().count(),
            set(shown.values_list("submission__receipt_number", flat=True)),
        )
    return out


def test_the_content_carries_each_theme_with_its_answers_and_quotes(themed):
    content = compilation_content(themed["consultation"], summary="")
    (part,) = content.questions
    assert content.themes_state == THEMES_DRAFT and content.has_themes
    expected = _expected(themed["run"])
    assert {theme.label: (theme.answers, {q.receipt for q in theme.quotes}) for theme in part.themes} == expected
    for theme in part.themes:
        assert sum(line.count for line in theme.stances) == theme.answers
        assert all(line.count for line in theme.stances)  # only the stances the theme holds
    paper = themed["submissions"]["paper"].receipt_number
    paged = [q for theme in part.themes for q in theme.quotes if q.receipt == paper and q.page]
    assert all(q.page in (1, 2) and q.respondent == "Dals-Eds kommun" for q in paged)


def test_without_a_theme_run_there_are_no_themes(closed_world):
    content = compilation_content(closed_world["consultation"], summary="")
    assert content.themes_state == THEMES_NONE and not content.has_themes
    assert all(part.themes == [] for part in content.questions)


def test_sign_off_waits_for_the_themes_to_be_signed_off(themed, coordinator):
    consultation = themed["consultation"]
    compilation = services.compilation_start(actor=coordinator, consultation=consultation)
    services.compilation_summary_set(actor=coordinator, compilation=compilation, summary="Svaren i korthet.")
    with pytest.raises(NotAllowedNow, match="godkänn temana"):
        services.compilation_sign_off(actor=coordinator, compilation=compilation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED and not compilation.is_signed_off

    theme = Theme.objects.filter(run=themed["run"]).order_by("order").first()
    ts.theme_rename(actor=coordinator, theme=theme, label=RENAMED)
    ts.themes_sign_off(actor=coordinator, run=themed["run"])
    services.compilation_sign_off(actor=coordinator, compilation=compilation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.COMPILED

    content = Content.from_json(json.loads(json.dumps(compilation.content)))
    assert content.themes_state == THEMES_SIGNED_OFF and content.themes_signed_off
    assert RENAMED in [t.label for t in content.questions[0].themes]
    assert content == Content.from_json(compilation.content)


def test_a_new_run_waiting_blocks_the_sign_off(themed, coordinator):
    ts.themes_sign_off(actor=coordinator, run=themed["run"])
    compilation = services.compilation_start(actor=coordinator, consultation=themed["consultation"])
    services.compilation_summary_set(actor=coordinator, compilation=compilation, summary="Svaren i korthet.")
    ThemeRun.objects.create(consultation=themed["consultation"], status=ThemeRun.Status.QUEUED)
    with pytest.raises(NotAllowedNow, match="tas fram på nytt"):
        services.compilation_sign_off(actor=coordinator, compilation=compilation)


def test_a_compilation_signed_off_before_themes_existed_still_reads(closed_world):
    data = compilation_content(closed_world["consultation"], summary="").as_json()
    for part in data["questions"]:
        del part["themes"]
    del data["themes_state"], data["themes_signed_off"]
    content = Content.from_json(data)
    assert content.themes_state == THEMES_NONE and all(part.themes == [] for part in content.questions)


def test_every_format_shows_the_themes_and_their_quotes(themed, coordinator):
    theme = Theme.objects.filter(run=themed["run"]).order_by("order").first()
    ts.theme_rename(actor=coordinator, theme=theme, label=RENAMED)
    ts.themes_sign_off(actor=coordinator, run=themed["run"])
    content = compilation_content(themed["consultation"], summary="Svaren i korthet.")
    (part,) = content.questions
    renamed = next(t for t in part.themes if t.label == RENAMED)
    quote = renamed.quotes[0]

    document = Document(io.BytesIO(formats.compilation_docx(content)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 4", RENAMED) in headings
    assert [label for style, label in headings if style == "Heading 4"] == [t.label for t in part.themes]
    quoted = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quote.text in quoted
    assert len(quoted) == sum(len(t.quotes) for t in part.themes)

    workbook = load_workbook(io.BytesIO(formats.compilation_xlsx(content)))
    rows = list(workbook["Teman"].iter_rows(values_only=True))
    header, body = rows[0], [row for row in rows[1:] if row and row[1]]
    by_label = {row[1]: row for row in body if isinstance(row[2], int)}
    assert by_label[RENAMED][2] == renamed.answers
    for line in renamed.stances:
        assert by_label[RENAMED][header.index(line.label.capitalize())] == line.count
    quote_rows = list(workbook["Citat"].iter_rows(min_row=2, values_only=True))
    assert len(quote_rows) == sum(len(t.quotes) for t in part.themes)
    assert (1, RENAMED, quote.respondent, quote.receipt, quote.text) in {
        (row[0], row[1], row[2], row[4], row[6]) for row in quote_rows
    }

    pdf = PdfReader(io.BytesIO(formats.compilation_pdf(content)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert RENAMED in text and quote.receipt in text

    html = formats.compilation_html(content).decode()
    assert "<h5" in html and RENAMED in html and "<blockquote>" in html
