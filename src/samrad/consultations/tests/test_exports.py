"""Exports of the answers: CSV and XLSX (one row per respondent, stance and comment apart, formulas made text)
and a ZIP of the attachments, for the consultation's coordinators only, each recorded in the audit log."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.consultations import exports
from samrad.consultations.models import Consultation, Question, ResponseAttachment
from samrad.consultations.responses import (
    answer_save,
    attachment_add,
    attachment_remove,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
    response_update_details,
    signatory_confirm,
    signatory_invite,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://127.0.0.1/stjäl","Klicka här")'
DECISION_PDF = make_pdf("Protokollsutdrag", "Kommunstyrelsen § 12")
DISSENT_PDF = make_pdf("Reservation")


def person_of(organisation, email):
    user = UserFactory.create(email=email)
    MembershipFactory.create(user=user, organisation=organisation)
    return user


def answer(person, response, question, stance="", text=""):
    current = response.answers.filter(question=question).first()
    answer_save(
        actor=person,
        response=response,
        question=question,
        stance=stance,
        text=text,
        base_version=current.version if current else 0,
    )


@pytest.fixture
def answered(region, coordinator, municipality, respondent):
    """An open consultation with a stance question and a free-text question, and these answers:

    - Nacka kommun: submitted twice (a correction); the second has a formula and the decision twice (same name),
      and a file whose name holds characters Windows refuses; its first attachment was removed before.
    - Solna: submitted, a joint answer co-signed by Sundbyberg (confirmed) and Danderyd (not confirmed).
    - Täby: registered by the coordinator, received on paper.
    - Naturskyddsföreningen: an unsolicited answer by e-mail, from a body not in the register.
    - Tyresö: a draft only, never submitted (not in the exports).
    """
    consultation = ConsultationFactory.create(open=True, senders=[region], reference_number="RS 2026/0042")
    stance_question = QuestionFactory.create(
        consultation=consultation, order=1, text="Vad anser ni om förslaget till regional utvecklingsplan?"
    )
    text_question = QuestionFactory.create(
        consultation=consultation, order=2, text="Övriga synpunkter", kind=Question.Kind.TEXT
    )
    solna = OrganisationFactory.create(name="Solna stad", municipality_code="0184")
    sundbyberg = OrganisationFactory.create(name="Sundbybergs stad")
    danderyd = OrganisationFactory.create(name="Danderyds kommun")
    taby = OrganisationFactory.create(name="Täby kommun", municipality_code="0160")
    tyreso = OrganisationFactory.create(name="Tyresö kommun")
    for organisation in (municipality, solna, sundbyberg, danderyd, taby, tyreso):
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)

    nacka = response_get_or_create_draft(actor=respondent, consultation=consultation, organisation=municipality)
    answer(respondent, nacka, stance_question, "support_with_changes", "Första versionen.")
    early = attachment_add(
        actor=respondent, response=nacka, stream=io.BytesIO(make_pdf("Utkast")), filename="utkast.pdf", kind="other"
    )
    response_submit(actor=respondent, response=nacka)
    attachment_remove(actor=respondent, attachment=early)
    answer(respondent, nacka, stance_question, "support_with_changes", "Vi tillstyrker med ändringar i avsnitt 5.2.")
    answer(respondent, nacka, text_question, text=FORMULA)
    nacka.refresh_from_db()
    response_update_details(
        actor=respondent,
        response=nacka,
        their_reference="KS 2026/123",
        decided_by="Kommunstyrelsen",
        base_version=nacka.version,
    )
    for content in (DECISION_PDF, DECISION_PDF):
        attachment_add(
            actor=respondent,
            response=nacka,
            stream=io.BytesIO(content),
            filename="Protokollsutdrag §12.pdf",
            kind=ResponseAttachment.Kind.DECISION,
        )
    attachment_add(
        actor=respondent,
        response=nacka,
        stream=io.BytesIO(DISSENT_PDF),
        filename='Reservation: "M" <KD>?.pdf',
        kind=ResponseAttachment.Kind.DISSENT,
    )
    response_submit(actor=respondent, response=nacka)

    solna_person = person_of(solna, "svar@solna.example.se")
    solna_draft = response_get_or_create_draft(actor=solna_person, consultation=consultation, organisation=solna)
    answer(solna_person, solna_draft, stance_question, "oppose", "-1 för förslaget.\nSe särskilt kapitel 3.")
    signatory = signatory_invite(actor=solna_person, response=solna_draft, organisation=sundbyberg)
    signatory_invite(actor=solna_person, response=solna_draft, organisation=danderyd)
    signatory_confirm(actor=person_of(sundbyberg, "svar@sundbyberg.example.se"), signatory=signatory)
    response_submit(actor=solna_person, response=solna_draft)

    response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=taby,
        received_at=timezone.now() - dt.timedelta(days=2),
        stream=io.BytesIO(make_pdf("Täbys yttrande")),
        filename="Yttrande Täby.pdf",
        their_reference="KS/2026:77",
        decided_by="Kommunfullmäktige",
        channel="paper",
    )
    response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Naturskyddsföreningen i Stockholms län",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Synpunkter")),
        filename="synpunkter.pdf",
        channel="email",
    )

    tyreso_person = person_of(tyreso, "svar@tyreso.example.se")
    tyreso_draft = response_get_or_create_draft(actor=tyreso_person, consultation=consultation, organisation=tyreso)
    answer(tyreso_person, tyreso_draft, stance_question, "support", "Ett utkast som inte får synas.")
    return consultation


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def csv_bytes(consultation) -> bytes:
    return b"".join(exports.csv_chunks(exports.response_table(consultation)))


def by_organisation(rows):
    return {row["Organisation"]: row for row in rows}


def test_csv_has_one_row_per_respondent_with_the_latest_version(answered, municipality):
    rows = read_csv(csv_bytes(answered))
    assert sorted(row["Organisation"] for row in rows) == [
        "Nacka kommun",
        "Naturskyddsföreningen i Stockholms län",
        "Solna stad",
        "Täby kommun",
    ]
    nacka = by_organisation(rows)["Nacka kommun"]
    assert nacka["Version"] == "2"
    assert (
        nacka["Kommunkod"] == answered.referrals.get(organisation__name="Nacka kommun").organisation.municipality_code
    )
    assert nacka["Remissinstansens diarienummer"] == "KS 2026/123"
    assert nacka["Beslutat av"] == "Kommunstyrelsen"
    assert nacka["Kanal"] == "på plattformen"
    assert nacka["Kvittonummer"].startswith("RS-2026-0042-")
    assert "Ett utkast som inte får synas." not in csv_bytes(answered).decode("utf-8")


def test_csv_headers_split_stance_and_comment_per_question(answered):
    header = next(csv.reader(io.StringIO(csv_bytes(answered).decode("utf-8-sig")), delimiter=";"))
    assert header[:13] == [
        "Organisation",
        "Typ av organisation",
        "Kommunkod",
        "Kanal",
        "Inlämnat",
        "Inkom",
        "Kvittonummer",
        "Version",
        "Remissinstansens diarienummer",
        "Beslutat av",
        "Gemensamt svar med",
        "Inte på remisslistan",
        "Diarienummer",
    ]
    assert header[13:] == [
        "Fråga 1, ställningstagande: Vad anser ni om förslaget till regional utvecklingsplan?",
        "Fråga 1, kommentar: Vad anser ni om förslaget till regional utvecklingsplan?",
        "Fråga 2, svar: Övriga synpunkter",
    ]


def test_csv_cells_stance_comment_formulas_and_swedish_text(answered):
    rows = by_organisation(read_csv(csv_bytes(answered)))
    stance, comment, free_text = (
        "Fråga 1, ställningstagande: Vad anser ni om förslaget till regional utvecklingsplan?",
        "Fråga 1, kommentar: Vad anser ni om förslaget till regional utvecklingsplan?",
        "Fråga 2, svar: Övriga synpunkter",
    )
    nacka, solna = rows["Nacka kommun"], rows["Solna stad"]
    assert (nacka[stance], nacka[comment]) == (
        "tillstyrker med ändringar",
        "Vi tillstyrker med ändringar i avsnitt 5.2.",
    )
    assert nacka[free_text] == "'" + FORMULA
    assert solna[stance] == "avstyrker"
    assert solna[comment] == "'-1 för förslaget.\nSe särskilt kapitel 3."
    assert solna["Gemensamt svar med"] == "Danderyds kommun (har inte bekräftat); Sundbybergs stad"
    taby = rows["Täby kommun"]
    assert (taby["Kanal"], taby["Remissinstansens diarienummer"], taby[stance]) == ("på papper", "KS/2026:77", "")
    unsolicited = rows["Naturskyddsföreningen i Stockholms län"]
    assert unsolicited["Inte på remisslistan"] == "ja"
    assert unsolicited["Typ av organisation"] == "finns inte i registret"
    assert unsolicited["Kanal"] == "via e-post"
    received = dt.datetime.strptime(taby["Inkom"], "%Y-%m-%d %H:%M")
    assert received.date() == timezone.localdate() - dt.timedelta(days=2)


def test_the_senders_case_numbers_are_columns_of_both_exports(answered):
    links = list(answered.sender_links.select_related("organisation"))
    assert links
    for number, link in enumerate(links, start=1):
        link.case_number = f"=DNR {number}"  # a formula-like case number is neutralised like any text
        link.save()
    titles = [f"Diarienummer, {link.organisation.name}" for link in links]
    rows = read_csv(csv_bytes(answered))
    assert all(row["Diarienummer"] == answered.reference_number for row in rows)
    for number, title in enumerate(titles, start=1):
        assert all(row[title] == f"'=DNR {number}" for row in rows)
    target = io.BytesIO()
    exports.xlsx_write(exports.response_table(answered), answered, target)
    sheet = load_workbook(io.BytesIO(target.getvalue()))["Remissvar"]
    header, *data = list(sheet.iter_rows(values_only=True))
    for number, title in enumerate(titles, start=1):
        column = header.index(title)
        assert {row[column] for row in data} == {f"'=DNR {number}"}


def test_neutralise_makes_formulas_text_and_leaves_the_rest():
    for value in ("=1+1", "+46 8 123", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert exports.neutralise(value) == "'" + value
    for value in ("Tillstyrker", "", "1+1", "e-post: a@b.se"):
        assert exports.neutralise(value) == value


def test_xlsx_has_the_same_rows_typed_cells_and_the_questions(answered):
    target = io.BytesIO()
    exports.xlsx_write(exports.response_table(answered), answered, target)
    workbook = load_workbook(io.BytesIO(target.getvalue()))
    assert workbook.sheetnames == ["Remissvar", "Frågor"]
    sheet = workbook["Remissvar"]
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 4
    assert header[13] == "Fråga 1, ställningstagande: Vad anser ni om förslaget till regional utvecklingsplan?"
    nacka = next(row for row in data if row[0] == "Nacka kommun")
    assert nacka[12] == answered.reference_number
    assert nacka[13] == "tillstyrker med ändringar"
    assert nacka[15] == "'" + FORMULA
    assert isinstance(nacka[4], dt.datetime) and nacka[7] == 2
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"
    questions = list(workbook["Frågor"].iter_rows(values_only=True))
    assert questions[1][:2] == (1, "Vad anser ni om förslaget till regional utvecklingsplan?")
    assert questions[2][:2] == (2, "Övriga synpunkter")


def test_zip_has_the_attachments_of_the_latest_submissions_in_folders(answered):
    target = io.BytesIO()
    summary = exports.attachments_zip_write(answered, target)
    archive = zipfile.ZipFile(io.BytesIO(target.getvalue()))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "Nacka kommun/Protokollsutdrag §12 (2).pdf",
        "Nacka kommun/Protokollsutdrag §12.pdf",
        "Nacka kommun/Reservation_ _M_ _KD_.pdf",
        "Naturskyddsföreningen i Stockholms län/synpunkter.pdf",
        "Täby kommun/Yttrande Täby.pdf",
    ]
    assert archive.read("Nacka kommun/Protokollsutdrag §12.pdf") == DECISION_PDF
    assert archive.read("Nacka kommun/Reservation_ _M_ _KD_.pdf") == DISSENT_PDF
    assert (summary.files, summary.respondents) == (5, 3)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "fil"),
        ("CON.pdf", "fil_CON.pdf"),
        ("a\x00b\nc.pdf", "a_b_c.pdf"),
        ("Yttrande från Österåker.pdf", "Yttrande från Österåker.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_file_names_are_made_safe(name, safe):
    assert exports.safe_file_name(name) == safe


# --- The download pages ------------------------------------------------------------------------------------


def urls(consultation):
    return {
        kind: reverse(f"consultation_exports:{kind}", args=[consultation.pk]) for kind in ("csv", "xlsx", "attachments")
    }


def test_the_coordinator_downloads_all_three_and_each_is_audited(client, coordinator, answered):
    client.force_login(coordinator)
    links = urls(answered)
    response = client.get(links["csv"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="RS-2026-0042-remissvar.csv"'
    assert len(read_csv(b"".join(response.streaming_content))) == 4
    response = client.get(links["xlsx"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Remissvar"].max_row == 5
    response = client.get(links["attachments"])
    assert response["Content-Disposition"] == 'attachment; filename="RS-2026-0042-bilagor.zip"'
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 5
    events = AuditEvent.objects.filter(action="consultation.exported", object_id=str(answered.pk)).order_by("id")
    assert [(e.actor_id, e.changes["format"]) for e in events] == [
        (coordinator.pk, "csv"),
        (coordinator.pk, "xlsx"),
        (coordinator.pk, "zip"),
    ]
    assert events[0].changes["responses"] == 4 and events[2].changes["files"] == 5


def test_exports_work_after_closing_too(client, coordinator, answered):
    Consultation.objects.filter(pk=answered.pk).update(status=Consultation.Status.CLOSED)
    client.force_login(coordinator)
    assert client.get(urls(answered)["csv"]).status_code == 200


def test_nobody_else_gets_the_exports(client, answered, respondent, other_coordinator):
    links = urls(answered)
    for link in links.values():
        response = client.get(link)
        assert response.status_code == 302 and "/konto/logga-in/" in response["Location"]
    for user in (respondent, other_coordinator):
        client.force_login(user)
        for link in links.values():
            assert client.get(link).status_code == 404
    assert not AuditEvent.objects.filter(action="consultation.exported").exists()


def test_a_draft_has_nothing_to_export(client, coordinator, draft):
    client.force_login(coordinator)
    for link in urls(draft).values():
        assert client.get(link).status_code == 404


def test_a_consultation_without_answers_exports_headers_and_an_empty_archive(client, coordinator, open_consultation):
    client.force_login(coordinator)
    links = urls(open_consultation)
    assert read_csv(b"".join(client.get(links["csv"]).streaming_content)) == []
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(links["attachments"]).streaming_content)))
    assert archive.namelist() == []
