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
from samrad.analysis.models import Theme, ThemeRun
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
THEME_LABEL = "Kommunernas inflytande i regionen"
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


def effective_stances(consultation: Consultation) -> dict[int, Counter[str]]:
    """Per stance question (by its number), how many answers have each effective stance: the current stance row of
    the answer's latest version (the respondent's own, a reading, or what the senders set), else none."""
    submissions = latest_submissions(consultation)
    counts: dict[int, Counter[str]] = {}
    for question in consultation.questions.filter(kind=Question.Kind.STANCE).order_by("order"):
        current = dict(
            SubmissionStance.objects.filter(question=question, is_current=True).values_list("submission_id", "stance")
        )
        counts[question.order] = Counter(current.get(s.pk, "none") for s in submissions)
    return counts


# --- reading the four files --------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def stances_in_text(text: str, caption: str) -> dict[str, int]:
    """The stance table that follows `caption` in running text (the PDF's), label followed by its count."""
    start = text.index(caption) + len(caption)
    table = text[start : start + 800]
    found = {}
    for stance, label in STANCE_LABELS.items():
        match = re.search(rf"(?<!\w){re.escape(label)} (\d+)(?!\w)", table)
        assert match, f"{label} not in the PDF's table: {table}"
        found[stance] = int(match.group(1))
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
    """The demo's closed consultation as `manage.py demo` leaves it: the register, the demo people, the closed
    consultation, and the text of its letters read (by the queued extraction jobs)."""
    bodies = core_demo._load_register(lambda text: None)
    core_demo._load_people(bodies)
    coordinator = User.objects.get(email=COORDINATOR)
    consultation = demo_closed.consultation_closed_demo_load(coordinator=coordinator)
    run_queued(document_tasks.extract_text)
    return {"consultation": consultation, "coordinator": coordinator}


def test_the_demo_consultation_is_analysed_and_compiled_in_the_browser(demo, page, axe, login_as):
    started = time.perf_counter()
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

    # The themes: build them (a background job), see them, rename one, sign them off.
    page.get_by_role("navigation", name="Den här remissen").get_by_role("link", name="Analys").click()
    axe.check(page)
    page.get_by_role("link", name="Teman i svaren", exact=True).click()
    expect(page.get_by_text("Inga teman har byggts ännu.")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Bygg temana", exact=True).click()
    expect(page.locator("#theme-progress")).to_be_visible()
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
    card = page.locator(f"#theme-{first.pk}")
    card.locator("summary").click()
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

    # Counted here from the database.
    referrals = Referral.objects.filter(consultation=consultation)
    asked = referrals.count()
    answers = len(latest_submissions(consultation))
    stances = effective_stances(consultation)
    assert (asked, answers) == (26, 22)
    assert list(stances) == [1]
    # 7 + 1 read (Upplands-Bro) tillstyrker, 8 + 1 read (Vaxholm) + 1 corrected (the association) with changes,
    # 2 + 1 read (Danderyd) avstyrker, 1 without views.
    assert stances[1] == Counter({"support": 8, "support_with_changes": 10, "oppose": 3, "no_comment": 1})
    caption = f"Ställningstaganden i fråga 1 ({answers} svar)"

    # HTML, parsed with lxml.
    document = lxml_html.fromstring(download(page, "Webbsida (HTML)"))
    assert demo_closed.TITLE in document.text_content()
    html_counts = html_table(document, "Tillfrågade och svar i siffror")
    assert html_counts[ASKED] == asked and html_counts[ANSWERS_IN] == answers
    html_stances = {label.lower(): count for label, count in html_table(document, caption).items()}
    for stance, label in STANCE_LABELS.items():
        assert html_stances[label.lower()] == stances[1][stance], ("html", label)
    assert SUMMARY in " ".join(document.text_content().split())

    # DOCX, read with python-docx: real headings, real tables, the table-of-contents field.
    docx = Document(io.BytesIO(download(page, "Word (DOCX), för redigering")))
    headings = [(p.style.name, p.text) for p in docx.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Heading 1", "Sammanfattning") in headings
    assert any(style == "Heading 2" and text.startswith("Fråga 1: ") for style, text in headings)
    instructions = [node.text for node in docx.element.body.iter(qn("w:instrText"))]
    assert any(text.strip().startswith("TOC ") for text in instructions), instructions
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in docx.tables]
    docx_counts = dict(row[:2] for row in tables[0][1:])
    assert docx_counts[ASKED] == str(asked) and docx_counts[ANSWERS_IN] == str(answers)
    [docx_stance_table] = [t for t in tables if t[0][:3] == ["Ställningstagande", "Antal", "Andel"]]
    docx_stances = {row[0]: int(row[1]) for row in docx_stance_table[1:] if row[0] != "Totalt"}
    for stance, label in STANCE_LABELS.items():
        assert docx_stances[label] == stances[1][stance], ("docx", label)
    assert SUMMARY in "\n".join(p.text for p in docx.paragraphs)

    # PDF, read with pypdf: the text extractable, the document tagged.
    pdf_data = download(page, "PDF, för arkivering")
    reader = PdfReader(io.BytesIO(pdf_data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    text = pdf_text(pdf_data)
    assert demo_closed.TITLE in text
    assert re.search(rf"{re.escape(ASKED)} {asked}(?!\d)", text)
    assert re.search(rf"{re.escape(ANSWERS_IN)} {answers}(?!\d)", text)
    pdf_stances = stances_in_text(text, caption)
    for stance, label in STANCE_LABELS.items():
        assert pdf_stances[stance] == stances[1][stance], ("pdf", label)

    # XLSX, read with openpyxl: numbers as numbers.
    workbook = load_workbook(io.BytesIO(download(page, "Kalkylblad (XLSX) med siffrorna")))
    overview = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True) if row}
    assert overview[ASKED] == asked and overview[ANSWERS_IN] == answers
    xlsx_stances = {
        row[2]: row[3] for row in workbook["Fördelning"].iter_rows(min_row=2, values_only=True) if row[0] == 1
    }
    for stance, label in STANCE_LABELS.items():
        assert xlsx_stances[label.lower()] == stances[1][stance], ("xlsx", label)
    assert len(list(workbook["Svarande"].iter_rows(min_row=2))) == asked + 1  # and the association

    elapsed = time.perf_counter() - started
    print(f"the walk took {elapsed:.1f} s ({connection.vendor})")
