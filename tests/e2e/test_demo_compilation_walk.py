"""The whole way from answers to a signed-off compilation, in a real browser, on the demo's closed consultation (the
kommunremiss of the winter 2015/16, 22 answers): the coordinator opens the analysis, has the stances that the
answers registered from paper lack read from their letters, confirms one reading and corrects another, builds the
themes, renames one and signs them off, starts the compilation, writes its summary and signs it off. The
consultation is then compiled, and the compilation is downloaded through the page's links in all four formats
and opened with outside readers (python-docx, openpyxl, pypdf, lxml): each shows the counts that the database
gives when counted here, independently of the platform's selectors, and the PDF is tagged.

Mostly by mouse and role locators (the keyboard walks are in test_stance_reading, test_analysis_themes and
test_compilation). axe checks every page on the way.

Background jobs: the clicks queue them on the database queue (django-tasks-db, the project's default backend). The
test runs each queued job of the task the click asked for with django-tasks-db's own worker code
(`Worker.run_task`, in this process), as `manage.py run_worker` would, and checks it succeeded. The other jobs the
demo queued when it loaded (the answer PDFs, the e-mails) are not part of the walk and stay queued.
"""

import io
import re
import time
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction
from docx import Document
from docx.oxml.ns import qn
from lxml import html as lxml_html
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from samrad.accounts.models import User
from samrad.analysis import tasks as analysis_tasks
from samrad.analysis.models import Theme, ThemeQuote, ThemeRun
from samrad.consultations import demo_closed
from samrad.consultations.models import (
    Consultation,
    Question,
    Referral,
    Response,
    Submission,
    SubmissionStance,
)
from samrad.core import demo as core_demo
from samrad.documents import tasks as document_tasks
from samrad.organisations.models import Organisation
from samrad.reports.models import Compilation

pytestmark = pytest.mark.browser

COORDINATOR = "karin.lindqvist@ksl.example"
# The stances as the compilation names them (its Swedish labels), "none" for an answer without one.
STANCE_LABELS = {
    "support": "Tillstyrker",
    "support_with_changes": "Tillstyrker med ändringar",
    "oppose": "Avstyrker",
    "no_comment": "Inga synpunkter",
    "abstain": "Avstår",
    "none": "Inget ställningstagande",
}
ASKED = "Tillfrågade (på remisslistan)"
ANSWERS_IN = "Svar som kom in totalt"
THEME_LABEL = "Ett samlat regionalt ansvar (granskat tema)"
SUMMARY = (
    "Kommunerna ser i huvudsak positivt på att landstinget tar över det regionala utvecklingsansvaret, men vill "
    "att kommunernas inflytande säkras och att trafiken och bostadsbyggandet planeras tillsammans."
)


# --- the background jobs ---------------------------------------------------------------------------------------


def run_queued(task: Any) -> list[DBTaskResult]:
    """Run every job of `task` that is queued and ready on the database queue, as its worker does: claimed under
    the queue's own lock, then run by django-tasks-db's `Worker.run_task` (which records the result). Fails
    unless at least one was queued and every one succeeded."""
    worker = Worker(
        queue_names=[task.queue_name],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="demo-walk",
        excluded_queue_names=[],
    )
    ready = DBTaskResult.objects.ready().filter(backend_name="default", task_path=task.module_path)
    ids = list(ready.values_list("pk", flat=True))
    assert ids, f"nothing queued for {task.module_path}"
    for pk in ids:
        with exclusive_transaction(ready.db):
            job = ready.filter(pk=pk).get_locked()
            assert job is not None
            job.claim(worker.worker_id)
        worker.run_task(job)
    jobs = list(DBTaskResult.objects.filter(pk__in=ids))
    failed = [(job.task_path, job.traceback) for job in jobs if job.status != "SUCCESSFUL"]
    assert not failed, failed
    return jobs


# --- the numbers, counted here from the database ------------------------------------------------------------------


def latest_submissions(consultation: Consultation) -> list[Submission]:
    """Every response's latest version, picked here without the platform's selectors."""
    latest: dict[int, Submission] = {}
    for submission in Submission.objects.filter(response__consultation=consultation):
        if submission.response_id not in latest or submission.number > latest[submission.response_id].number:
            latest[submission.response_id] = submission
    return list(latest.values())


def effective_stances(consultation: Consultation) -> dict[int, dict[int, str]]:
    """Per stance question (by its number), each answer's effective stance by its latest version's id: the current
    stance row (the respondent's own, a reading, or what the senders set), else "none"."""
    submissions = latest_submissions(consultation)
    stances: dict[int, dict[int, str]] = {}
    for question in consultation.questions.filter(kind=Question.Kind.STANCE).order_by("order"):
        current = dict(
            SubmissionStance.objects.filter(question=question, is_current=True).values_list("submission_id", "stance")
        )
        stances[question.order] = {s.pk: current.get(s.pk, "none") for s in submissions}
    return stances


def labelled(counts: Counter[str]) -> dict[str, int]:
    """Stance counts by their lower-case Swedish label, the stances with none left out."""
    return {STANCE_LABELS[stance].lower(): count for stance, count in counts.items() if count}


def theme_line(text: str) -> tuple[int, dict[str, int]]:
    """A theme's line in the compilation, "7 svar: tillstyrker 3, avstyrker 1, ...": how many answers have a
    passage in the theme and, per stance (its lower-case label), how many of them."""
    match = re.fullmatch(r"(\d+) svar(?:: (.+))?\.", " ".join(text.split()))
    assert match, text
    per_stance = {}
    for item in match.group(2).split(", ") if match.group(2) else []:
        label, count = item.rsplit(" ", 1)
        per_stance[label.lower()] = int(count)
    return int(match.group(1)), per_stance


# --- reading the four files --------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def stances_in_text(text: str, caption: str) -> dict[str, int]:
    """The stance table that follows `caption` in running text (the PDF's), label followed by its count: the count
    by lower-case label."""
    start = text.index(caption) + len(caption)
    table = text[start : start + 800]
    found = {}
    for label in STANCE_LABELS.values():
        match = re.search(rf"(?<!\w){re.escape(label)} (\d+)(?!\w)", table)
        assert match, f"{label} not in the PDF's table: {table}"
        found[label.lower()] = int(match.group(1))
    return found


def html_table(document: Any, caption: str) -> dict[str, int]:
    """A table of the HTML document by its caption: each row's heading and the number in its first cell."""
    [table] = document.xpath(f"//table[caption[normalize-space()='{caption}']]")
    return {row.xpath("string(th)").strip(): int(row.xpath("string(td[1])")) for row in table.xpath(".//tbody/tr")}


def download(page: Any, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    download = info.value
    assert download.failure() is None, download.failure()
    with open(download.path(), "rb") as file:
        return file.read()


@pytest.fixture
def demo(transactional_db):
    """The demo's closed consultation as `manage.py demo` loads it (the register, the demo people, the closed
    consultation), with the text of its documents and letters read by the extraction jobs its loading queued."""
    bodies = core_demo._load_register(lambda text: None)
    core_demo._load_people(bodies)
    coordinator = User.objects.get(email=COORDINATOR)
    consultation = demo_closed.consultation_closed_demo_load(coordinator=coordinator)
    run_queued(document_tasks.extract_text)
    return {"consultation": consultation, "coordinator": coordinator}


def test_the_demo_consultation_is_analysed_and_compiled_in_the_browser(demo, page, axe, login_as):
    laps: list[tuple[str, float]] = []
    last = time.perf_counter()

    def lap(name: str) -> None:  # how long each part of the walk took (printed at the end, with -s)
        nonlocal last
        now = time.perf_counter()
        laps.append((name, now - last))
        last = now

    consultation, coordinator = demo["consultation"], demo["coordinator"]
    assert consultation.status == Consultation.Status.CLOSED
    login_as(page, coordinator)

    # The analysis, then the "Svar" tab: have the stances that the letters registered from paper lack read.
    page.goto(f"/samordning/{consultation.pk}/analys/")
    expect(page.get_by_role("heading", name="Ställningstaganden per fråga")).to_be_visible()
    axe.check(page)
    page.get_by_role("navigation", name="Den här remissen").get_by_role("link", name="Svar", exact=True).click()
    axe.check(page)
    page.get_by_role("button", name="Läs de ställningstaganden som saknas ur texten").click()
    expect(page.locator(".messages")).to_contain_text("läses nu ur deras text")
    axe.check(page)
    [job] = run_queued(analysis_tasks.stances_read)
    assert job.return_value["recorded"] == 4 and job.return_value["unclear"] == 0

    lap("stances read")
    # Confirm one reading: Upplands-Bro's letter, read as "tillstyrker".
    upplands_bro = Organisation.objects.get(municipality_code="0139")
    page.get_by_role("link", name=f"Läs svaret från {upplands_bro.name}", exact=True).click()
    expect(page.get_by_text("läst ur texten: bekräfta eller rätta")).to_be_visible()
    expect(page.locator("q")).to_contain_text("beslutar att tillstyrka")
    axe.check(page)
    stance = page.get_by_label("Rätta ställningstagandet i fråga 1")
    expect(stance).to_have_value("support")
    page.get_by_role("button", name="Spara ställningstagandet").click()
    expect(page.locator(".messages")).to_contain_text("markerat som satt av avsändarna")
    expect(page.get_by_text("läst ur texten: bekräfta eller rätta")).to_have_count(0)
    axe.check(page)

    # Correct another: the association not on the list, read as "tillstyrker", wants the archipelago's questions
    # in the plan: the coordinator counts it as "tillstyrker med ändringar".
    page.get_by_role("link", name="Alla svar", exact=True).click()
    axe.check(page)
    page.get_by_role("region", name="Oombedda svar").get_by_role("link", name=demo_closed.UNSOLICITED_NAME).click()
    expect(page.get_by_text("läst ur texten: bekräfta eller rätta")).to_be_visible()
    axe.check(page)
    page.get_by_label("Rätta ställningstagandet i fråga 1").select_option("support_with_changes")
    page.get_by_role("button", name="Spara ställningstagandet").click()
    expect(page.locator(".messages")).to_contain_text("markerat som satt av avsändarna")
    axe.check(page)
    association = Response.objects.get(consultation=consultation, is_unsolicited=True)
    corrected = SubmissionStance.objects.get(submission__response=association, is_current=True)
    assert (corrected.stance, corrected.source) == ("support_with_changes", SubmissionStance.Source.SENDERS)

    lap("stances confirmed and corrected")
    # The themes: build them (a background job), see them, rename one, sign them off.
    page.get_by_role("navigation", name="Den här remissen").get_by_role("link", name="Analys").click()
    axe.check(page)
    page.get_by_role("link", name="Teman i svaren", exact=True).click()
    expect(page.get_by_text("Inga teman har byggts ännu.")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Bygg temana", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Temana byggs i bakgrunden")
    expect(page.get_by_role("status").filter(has_text="Temana väntar på sin tur")).to_be_visible()
    axe.check(page)
    [job] = run_queued(analysis_tasks.themes_build)
    assert job.return_value["status"] == ThemeRun.Status.DONE
    # The progress box asks the server again every few seconds (htmx) and offers the new themes when done.
    page.get_by_role("link", name="Visa de nya temana").click()
    axe.check(page)
    run = ThemeRun.objects.get(consultation=consultation)
    themes = list(Theme.objects.filter(run=run).order_by("order"))
    assert themes, "the run found no themes"
    first = themes[0]
    table = page.get_by_role("region", name="Teman i svaren på fråga 1: svar per ställningstagande")
    for theme in themes:
        expect(table.get_by_role("rowheader", name=theme.label, exact=True)).to_be_visible()
    card = page.get_by_role("article", name=first.label, exact=True)
    card.get_by_text(f"Ändra temat ”{first.label}”").click()
    card.get_by_label("Nytt namn").fill(THEME_LABEL)
    card.get_by_role("button", name="Byt namn").click()
    expect(page.get_by_text("Temat har fått nytt namn.")).to_be_visible()
    expect(page.get_by_role("heading", name=THEME_LABEL)).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Godkänn temana som granskade").click()
    expect(page.get_by_text("Temana har godkänts.")).to_be_visible()
    axe.check(page)
    run.refresh_from_db()
    assert run.signed_off_at is not None and run.signed_off_by == coordinator
    assert Theme.objects.get(pk=first.pk).label == THEME_LABEL

    lap("themes")
    # The compilation: start it, write the summary, sign it off.
    page.get_by_role("navigation", name="Den här remissen").get_by_role("link", name="Sammanställning").click()
    axe.check(page)
    page.get_by_role("button", name="Påbörja sammanställningen").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Fråga 1: Ställer sig kommunen bakom"))).to_be_visible()
    axe.check(page)
    page.get_by_label("Sammanfattning").fill(SUMMARY)
    page.get_by_role("button", name="Spara sammanfattningen").click()
    expect(page.locator(".messages")).to_contain_text("Sammanfattningen är sparad")
    axe.check(page)
    page.get_by_role("link", name="Godkänn sammanställningen").click()
    axe.check(page)
    page.get_by_role("button", name="Godkänn", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Remissen är nu sammanställd")
    axe.check(page)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.COMPILED
    compilation = Compilation.objects.get(consultation=consultation)
    assert compilation.is_signed_off and compilation.summary == SUMMARY

    lap("compilation signed off")
    # Counted here from the database.
    referrals = Referral.objects.filter(consultation=consultation)
    asked = referrals.count()
    answers = len(latest_submissions(consultation))
    stance_of = effective_stances(consultation)
    assert (asked, answers) == (26, 22)
    assert list(stance_of) == [1]
    counts = Counter(stance_of[1].values())
    # Tillstyrker: 7 chosen + Upplands-Bro read and confirmed; med ändringar: 8 chosen + Vaxholm read + the
    # association corrected; avstyrker: 2 chosen + Danderyd read; inga synpunkter: 1 chosen.
    assert counts == Counter({"support": 8, "support_with_changes": 10, "oppose": 3, "no_comment": 1})
    expected = {label.lower(): counts.get(stance, 0) for stance, label in STANCE_LABELS.items()}
    caption = f"Ställningstaganden i fråga 1 ({answers} svar)"
    # The renamed theme: the answers with a passage in it, and their stances.
    in_theme = set(ThemeQuote.objects.filter(theme=first).values_list("submission_id", flat=True))
    expected_theme = (len(in_theme), labelled(Counter(stance_of[1][pk] for pk in in_theme)))
    assert expected_theme[0] > 0

    # HTML, parsed with lxml.
    document = lxml_html.fromstring(download(page, "Webbsida (HTML)"))
    assert demo_closed.TITLE in document.text_content()
    assert SUMMARY in " ".join(document.text_content().split())
    html_counts = html_table(document, "Tillfrågade och svar i siffror")
    assert (html_counts[ASKED], html_counts[ANSWERS_IN]) == (asked, answers)
    assert {label.lower(): count for label, count in html_table(document, caption).items()} == expected
    [theme_heading] = document.xpath(f"//h5[normalize-space()='{THEME_LABEL}']")
    assert theme_line(theme_heading.getnext().text_content()) == expected_theme

    lap("html")
    # DOCX, read with python-docx: real headings, real tables, the table-of-contents field.
    docx = Document(io.BytesIO(download(page, "Word (DOCX), för redigering")))
    paragraphs = [(p.style.name, p.text) for p in docx.paragraphs]
    assert ("Heading 1", "Sammanfattning") in paragraphs
    assert any(style == "Heading 2" and text.startswith("Fråga 1: ") for style, text in paragraphs)
    assert SUMMARY in [text for _style, text in paragraphs]
    instructions = [node.text for node in docx.element.body.iter(qn("w:instrText"))]
    assert any(text.strip().startswith("TOC ") for text in instructions), instructions
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in docx.tables]
    docx_counts = dict(row[:2] for row in tables[0][1:])
    assert (docx_counts[ASKED], docx_counts[ANSWERS_IN]) == (str(asked), str(answers))
    [docx_stance_table] = [t for t in tables if t[0][:3] == ["Ställningstagande", "Antal", "Andel"]]
    assert {row[0].lower(): int(row[1]) for row in docx_stance_table[1:] if row[0] != "Totalt"} == expected
    at = paragraphs.index(("Heading 4", THEME_LABEL))
    assert theme_line(paragraphs[at + 1][1]) == expected_theme

    lap("docx")
    # PDF, read with pypdf: the text extractable, the document tagged.
    pdf_data = download(page, "PDF, för arkivering")
    catalog = PdfReader(io.BytesIO(pdf_data)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    text = pdf_text(pdf_data)
    assert demo_closed.TITLE in text and SUMMARY in text
    assert re.search(rf"{re.escape(ASKED)} {asked}(?!\d)", text)
    assert re.search(rf"{re.escape(ANSWERS_IN)} {answers}(?!\d)", text)
    assert stances_in_text(text, caption) == expected
    theme = re.search(rf"{re.escape(THEME_LABEL)} (\d+ svar(?:: [^.]+)?\.)", text)
    assert theme, f"{THEME_LABEL} not in the PDF"
    assert theme_line(theme.group(1)) == expected_theme

    lap("pdf")
    # XLSX, read with openpyxl: numbers as numbers.
    workbook = load_workbook(io.BytesIO(download(page, "Kalkylblad (XLSX) med siffrorna")))
    overview = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True) if row}
    assert (overview[ASKED], overview[ANSWERS_IN]) == (asked, answers)
    distribution = workbook["Fördelning"].iter_rows(min_row=2, values_only=True)
    assert {row[2].lower(): row[3] for row in distribution if row[0] == 1} == expected
    assert len(list(workbook["Svarande"].iter_rows(min_row=2))) == asked + 1  # and the association
    header, *rows = workbook["Teman"].iter_rows(values_only=True)
    [row] = [row for row in rows if row[:2] == (1, THEME_LABEL)]
    per_stance = {str(name).lower(): value for name, value in zip(header[3:], row[3:], strict=True) if value}
    assert (row[2], per_stance) == expected_theme

    lap("xlsx")
    print(f"the walk ({connection.vendor}):", ", ".join(f"{name} {seconds:.1f} s" for name, seconds in laps))
