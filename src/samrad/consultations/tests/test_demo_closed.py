"""The demo's closed consultation (the kommunremiss of the winter 2015/16): its referral list in the expected
states, loaded once, quickly and without rendering answer PDFs on the spot; the stance reader reads its paper
letters; its compilation, signed off, shows in DOCX, XLSX and PDF the numbers that the database gives when counted
here independently."""

import io
import re
import time
from collections import Counter

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from samrad.accounts.models import User
from samrad.analysis.services import stances_read
from samrad.consultations import demo_closed
from samrad.consultations.models import (
    Consultation,
    Question,
    Referral,
    Response,
    ResponseSignatory,
    Submission,
    SubmissionStance,
)
from samrad.core import demo as core_demo
from samrad.core.demo import demo_load
from samrad.documents.models import StoredFile
from samrad.documents.services import stored_file_extract_text
from samrad.organisations.models import Organisation
from samrad.reports.services import compilation_sign_off, compilation_start, compilation_summary_set

pytestmark = pytest.mark.django_db

COORDINATOR = "karin.lindqvist@ksl.example"
STANCE_LABELS = {
    "support": "Tillstyrker",
    "support_with_changes": "Tillstyrker med ändringar",
    "oppose": "Avstyrker",
    "no_comment": "Inga synpunkter",
    "abstain": "Avstår",
    "none": "Inget ställningstagande",
}


def _closed() -> Consultation:
    return Consultation.objects.get(title=demo_closed.TITLE)


def _read_letters(consultation: Consultation) -> None:
    """What `manage.py demo` does before it serves (and the worker would do): read the text of the letters."""
    for stored in StoredFile.objects.filter(text_state=StoredFile.TextState.PENDING):
        stored_file_extract_text(stored_file=stored)


def _latest(consultation: Consultation) -> list[Submission]:
    """Every response's latest submission, counted here without the platform's selectors."""
    latest: dict[int, Submission] = {}
    for submission in Submission.objects.filter(response__consultation=consultation):
        if submission.response_id not in latest or submission.number > latest[submission.response_id].number:
            latest[submission.response_id] = submission
    return list(latest.values())


def _stances_of_question_1(consultation: Consultation) -> Counter[str]:
    """The stance of each answer on question 1: the one the respondent chose in the frozen answer, else the one
    recorded for the answer (read or set by the senders), else none."""
    question = consultation.questions.get(order=1)
    counts: Counter[str] = Counter()
    for submission in _latest(consultation):
        chosen = [a.get("stance") for a in submission.content.get("answers", []) if a.get("question_id") == question.pk]
        if chosen and chosen[0]:
            counts[chosen[0]] += 1
            continue
        row = SubmissionStance.objects.filter(submission=submission, question=question, is_current=True).first()
        counts[row.stance if row else "none"] += 1
    return counts


def test_the_closed_consultation_has_its_answers_declines_and_silences_and_loading_again_adds_nothing():
    demo_load()
    consultation = _closed()
    assert consultation.status == Consultation.Status.CLOSED
    assert {link.organisation.name for link in consultation.sender_links.all()} == {
        "Region Stockholm",
        "Kommunförbundet Stockholms Län",
    }
    assert [q.kind for q in consultation.questions.order_by("order")] == [
        Question.Kind.STANCE,
        Question.Kind.TEXT,
        Question.Kind.TEXT,
        Question.Kind.TEXT,
    ]
    statuses = Counter(Referral.objects.filter(consultation=consultation).values_list("status", flat=True))
    assert sum(statuses.values()) == 26
    assert statuses[Referral.Status.SUBMITTED] == 22  # 19 on the platform (one jointly), 3 on paper
    assert statuses[Referral.Status.DECLINED] == 2
    assert statuses[Referral.Status.INVITED] == 2  # Salem and Sundbyberg did not answer
    not_answered = Referral.objects.filter(consultation=consultation, status=Referral.Status.INVITED)
    assert {r.organisation.municipality_code for r in not_answered} == {"0128", "0183"}
    assert all(r.decline_reason for r in Referral.objects.filter(consultation=consultation, status="declined"))

    responses = Response.objects.filter(consultation=consultation)
    assert responses.filter(channel=Response.Channel.PLATFORM, submissions__isnull=False).distinct().count() == 18
    paper = responses.filter(channel=Response.Channel.PAPER)
    assert paper.count() == 3
    paper_stances = SubmissionStance.objects.filter(submission__response__in=paper, is_current=True)
    assert not paper_stances.exists(), "the paper letters come without a stance, for the reader"
    assert responses.filter(is_unsolicited=True).count() == 1
    joint = ResponseSignatory.objects.get(response__consultation=consultation, confirmed_at__isnull=False)
    assert (joint.response.organisation.municipality_code, joint.organisation.municipality_code) == ("0115", "0117")
    assert _stances_of_question_1(consultation) == Counter(
        {"support": 7, "support_with_changes": 8, "oppose": 2, "no_comment": 1, "none": 4}
    )
    for entry in demo_closed.PLATFORM_ANSWERS:  # each answer 80-300 words, as a municipality's remissvar
        assert 80 <= len(" ".join(entry.texts).split()) <= 300, entry.code

    rows = {
        model: model.objects.count()
        for model in (Consultation, Referral, Response, Submission, ResponseSignatory, SubmissionStance, User)
    }
    demo_load()
    assert {model: model.objects.count() for model in rows} == rows


def test_loading_it_takes_seconds_and_leaves_the_answer_pdfs_to_the_worker(django_capture_on_commit_callbacks):
    bodies = core_demo._load_register(lambda text: None)
    core_demo._load_people(bodies)
    coordinator = User.objects.get(email=COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        started = time.perf_counter()
        consultation = demo_closed.consultation_closed_demo_load(coordinator=coordinator)
        elapsed = time.perf_counter() - started
    print(f"closed demo consultation loaded in {elapsed:.2f} s")
    assert elapsed < 10
    submissions = Submission.objects.filter(response__consultation=consultation)
    assert submissions.count() == 22
    assert not submissions.exclude(pdf=None).exists(), "no answer PDF is rendered while the demo loads"
    queued = DBTaskResult.objects.filter(task_path__endswith="render_submission_pdf")
    assert queued.count() == 22


def test_the_stance_reader_reads_the_paper_letters():
    demo_load()
    consultation = _closed()
    _read_letters(consultation)
    karin = User.objects.get(email=COORDINATOR)

    report = stances_read(actor=karin, consultation=consultation)

    read = {
        (row.submission.response.organisation.municipality_code if row.submission.response.organisation else ""): (
            row.stance,
            row.evidence,
        )
        for row in report.recorded
    }
    assert read["0139"][0] == "support"  # Upplands-Bro: "Kommunstyrelsen beslutar att tillstyrka förslaget"
    assert read["0162"][0] == "oppose"  # Danderyd: "Kommunstyrelsen avstyrker förslaget"
    assert read["0187"][0] == "support_with_changes"  # Vaxholm: "tillstyrka förslaget med de ändringar"
    assert read[""][0] == "support"  # the association not on the list: "ställer sig bakom"
    assert "beslutar att tillstyrka" in read["0139"][1]
    assert not report.unclear
    assert report.already_set == 18  # the answers on the platform keep the stance their respondents chose


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_signed_off_compilation_in_docx_xlsx_and_pdf_agrees_with_the_answers(client):
    demo_load()
    consultation = _closed()
    _read_letters(consultation)
    karin = User.objects.get(email=COORDINATOR)
    stances_read(actor=karin, consultation=consultation)

    compilation = compilation_start(actor=karin, consultation=consultation)
    compilation_summary_set(
        actor=karin,
        compilation=compilation,
        summary="Kommunerna betonade särskilt sina förväntningar, organisationen och samverkan inom regionen.",
    )
    compilation_sign_off(actor=karin, compilation=compilation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.COMPILED

    # Counted here from the database, without the compilation's code.
    referrals = Referral.objects.filter(consultation=consultation)
    asked = referrals.count()
    answered = referrals.filter(status=Referral.Status.SUBMITTED).count()
    declined = referrals.filter(status=Referral.Status.DECLINED).count()
    silent = asked - answered - declined
    answers = len(_latest(consultation))
    unsolicited = Response.objects.filter(consultation=consultation, is_unsolicited=True).count()
    stances = _stances_of_question_1(consultation)
    assert (asked, answered, declined, silent, answers, unsolicited) == (26, 22, 2, 2, 22, 1)
    assert stances == Counter({"support": 9, "support_with_changes": 9, "oppose": 3, "no_comment": 1})

    client.force_login(karin)

    def download(file_format: str) -> bytes:
        response = client.get(reverse("reports:download", args=[consultation.pk, file_format]))
        assert response.status_code == 200, file_format
        return b"".join(response.streaming_content) if response.streaming else response.content

    # DOCX, read with python-docx.
    document = Document(io.BytesIO(download("docx")))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    counts = dict(tables[0][1:])
    assert counts["Tillfrågade (på remisslistan)"] == str(asked)
    assert counts["Svarade, av de tillfrågade"] == str(answered)
    assert counts["Avstod"] == str(declined)
    assert counts["Svarade inte"] == str(silent)
    assert counts["varav i ett gemensamt svar"] == counts["Gemensamma svar"] == "1"
    assert counts["Svarade oombedda"] == str(unsolicited)
    assert counts["Svar som kom in totalt"] == str(answers)
    stance_table = next(t for t in tables if t[0][:3] == ["Ställningstagande", "Antal", "Andel"])
    docx_stances = {row[0]: int(row[1]) for row in stance_table[1:] if row[0] != "Totalt"}
    for stance, label in STANCE_LABELS.items():
        assert docx_stances[label] == stances.get(stance, 0), label
    referral_table = next(t for t in tables if t[0][0] == "Remissinstans")
    outcomes = Counter(row[1] for row in referral_table[1:])
    assert outcomes["Svarade gemensamt"] == 1
    assert outcomes["Svarade"] + outcomes["Svarade gemensamt"] == answered

    # XLSX, read with openpyxl.
    workbook = load_workbook(io.BytesIO(download("xlsx")))
    overview = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True) if row}
    assert overview["Tillfrågade (på remisslistan)"] == asked
    assert overview["Avstod"] == declined
    assert overview["Svarade inte"] == silent
    distribution = {
        row[2]: row[3] for row in workbook["Fördelning"].iter_rows(min_row=2, values_only=True) if row[0] == 1
    }
    for stance, label in STANCE_LABELS.items():
        assert distribution[label.lower()] == stances.get(stance, 0), label
    respondents = list(workbook["Svarande"].iter_rows(min_row=2, values_only=True))
    assert len(respondents) == asked + unsolicited
    assert Counter(row[1] for row in respondents)["avstod"] == declined

    # PDF, read with pypdf.
    text = _pdf_text(download("pdf"))
    assert demo_closed.TITLE in text
    assert re.search(rf"Tillfrågade \(på remisslistan\) {asked}\b", text)
    assert re.search(rf"Svarade inte {silent}\b", text)
    assert re.search(rf"Tillstyrker med ändringar {stances['support_with_changes']}\b", text)
    assert re.search(rf"Avstyrker {stances['oppose']}\b", text)
    for code in ("0139", "0162", "0187"):  # the paper letters' municipalities, and the body not on the list
        assert Organisation.objects.get(municipality_code=code).name in text
    assert demo_closed.UNSOLICITED_NAME in text
