"""An archive package imported into an empty database gives back the whole consultation: every answer and each
of its versions, every attachment (the same bytes, the same SHA-256), every status change, the compilation, and
every audit event of the case, verbatim and still matching its hash. A package that was changed is refused and
nothing is written."""

import hashlib
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models

from samrad.accounts.models import Delegation, User
from samrad.archive.audit_events import audit_events_check
from samrad.archive.importing import ImportRefused, archive_import
from samrad.archive.models import ArchiveImport, ImportedAuditEvent
from samrad.archive.services import archive_export
from samrad.audit.models import AuditEvent
from samrad.audit.services import audit_verify
from samrad.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    ConsultationSender,
    ExtensionRequest,
    Question,
    Referral,
    ReferralStatusChange,
    ReminderSent,
    Response,
    ResponseAttachment,
    ResponseSignatory,
    StatusChange,
    Submission,
    SubmissionStance,
)
from samrad.documents.models import DocumentPage, StoredFile
from samrad.organisations.models import County, Organisation
from samrad.reports.models import Compilation

pytestmark = pytest.mark.django_db


def _case_querysets(consultation_id: int) -> dict[str, models.QuerySet[Any]]:
    """The consultation's rows, found here with plain queries (not with the archive app's own list)."""
    c = consultation_id
    return {
        "consultation": Consultation.objects.filter(pk=c),
        "senders": ConsultationSender.objects.filter(consultation=c),
        "status changes": StatusChange.objects.filter(consultation=c),
        "documents": ConsultationDocument.objects.filter(consultation=c),
        "questions": Question.objects.filter(consultation=c),
        "referrals": Referral.objects.filter(consultation=c),
        "referral status changes": ReferralStatusChange.objects.filter(referral__consultation=c),
        "reminders": ReminderSent.objects.filter(referral__consultation=c),
        "extension requests": ExtensionRequest.objects.filter(referral__consultation=c),
        "responses": Response.objects.filter(consultation=c),
        "answers": Answer.objects.filter(response__consultation=c),
        "attachments": ResponseAttachment.objects.filter(response__consultation=c),
        "signatories": ResponseSignatory.objects.filter(response__consultation=c),
        "submissions": Submission.objects.filter(response__consultation=c),
        "submission attachments": Submission.attachments.through.objects.filter(submission__response__consultation=c),
        "stances": SubmissionStance.objects.filter(submission__response__consultation=c),
        "delegations": Delegation.objects.filter(consultation=c),
        "compilation": Compilation.objects.filter(consultation=c),
    }


def _snapshot(consultation_id: int) -> dict[str, Any]:
    rows: dict[str, Any] = {
        name: list(qs.order_by("pk").values()) for name, qs in _case_querysets(consultation_id).items()
    }
    file_ids = {row["file_id"] for row in rows["documents"]} | {row["file_id"] for row in rows["attachments"]}
    file_ids |= {row["pdf_id"] for row in rows["submissions"]} | {
        row["storedfile_id"] for row in rows["submission attachments"]
    }
    files = []
    for stored in StoredFile.objects.filter(pk__in=file_ids).order_by("pk"):
        with stored.file.open("rb") as stream:
            content = stream.read()
        values = {f.attname: getattr(stored, f.attname) for f in StoredFile._meta.concrete_fields if f.name != "file"}
        files.append({**values, "content_sha256": hashlib.sha256(content).hexdigest()})
    rows["files"] = files
    rows["pages"] = list(DocumentPage.objects.filter(file_id__in=file_ids).order_by("pk").values())
    organisation_ids = {r["organisation_id"] for r in rows["referrals"] + rows["senders"]}
    rows["organisations"] = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("pk").values())
    rows["people"] = list(
        User.objects.filter(pk__in={r["submitted_by_id"] for r in rows["submissions"]})
        .order_by("pk")
        .values("id", "email", "first_name", "last_name", "username")
    )
    return rows


def _case_audit_events(consultation_id: int) -> list[dict[str, Any]]:
    """The events about the consultation, its referral bodies, answers, versions and compilation, and its files."""
    wanted = models.Q(object_type="consultations.consultation", object_id=str(consultation_id))
    for name, object_type in (
        ("referrals", "consultations.referral"),
        ("responses", "consultations.response"),
        ("submissions", "consultations.submission"),
        ("compilation", "reports.compilation"),
    ):
        ids = [str(pk) for pk in _case_querysets(consultation_id)[name].values_list("pk", flat=True)]
        wanted |= models.Q(object_type=object_type, object_id__in=ids)
    events = AuditEvent.objects.filter(wanted).exclude(action="consultation.archive_exported").order_by("id")
    fields = ("id", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id", "changes", "hash")
    return list(events.values(*fields))


def _empty_the_database() -> None:
    """Every table of the platform emptied, as in a new installation (inside the test's transaction)."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # TRUNCATE needs the deferred foreign key checks done first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_an_imported_package_gives_back_the_whole_consultation(closed_case, tmp_path):
    consultation_id = closed_case.consultation.pk
    result = archive_export(
        actor=closed_case.coordinator, consultation=closed_case.consultation, target=tmp_path / "paket.zip"
    )
    before = _snapshot(consultation_id)
    events_before = _case_audit_events(consultation_id)
    # What the case must hold for this test to mean something.
    assert len(before["submissions"]) == 4
    assert [s["number"] for s in before["submissions"] if s["response_id"] == before["responses"][0]["id"]] == [1, 2]
    assert any(a["removed_at"] for a in before["attachments"])
    assert any(r["status"] == "declined" and r["decline_reason"] for r in before["referrals"])
    assert any(s["confirmed_at"] for s in before["signatories"])
    assert before["compilation"][0]["status"] == "signed_off" and before["compilation"][0]["content"]
    assert len(before["status changes"]) == 3  # opened, closed, compiled
    assert len(before["files"]) >= 8 and len(events_before) > 30
    stored_names = [stored.file.name for stored in StoredFile.objects.all()]

    _empty_the_database()
    for name in stored_names:  # the files are gone too: the import must bring them from the package
        StoredFile._meta.get_field("file").storage.delete(name)
    for model in (Consultation, Submission, StoredFile, Organisation, User, County, AuditEvent, Compilation):
        assert not model.objects.exists(), model

    call_command("archive_import", str(result.path))

    after = _snapshot(consultation_id)
    for name, rows in before.items():
        assert after[name] == rows, name
    record = ArchiveImport.objects.get()
    assert record.consultation_id == consultation_id
    assert record.package_sha256 == result.sha256

    # The audit events, verbatim, and still matching their hashes.
    imported = {event.original_id: event for event in ImportedAuditEvent.objects.filter(archive_import=record)}
    for event in events_before:
        kept = imported[event["id"]]
        assert (
            kept.created_at,
            kept.actor_id,
            kept.actor_label,
            kept.action,
            kept.object_type,
            kept.object_id,
            kept.changes,
            kept.hash,
        ) == (
            event["created_at"],
            event["actor_id"],
            event["actor_label"],
            event["action"],
            event["object_type"],
            event["object_id"],
            event["changes"],
            event["hash"],
        ), event["action"]
    check = audit_events_check(event.as_event() for event in imported.values())
    assert check.ok, check.problems
    assert check.checked == len(imported) and check.sealed == len(imported)  # same SECRET_KEY: seals check too
    assert check.linked > 0  # the case's neighbouring events still link to each other

    # The import is one new event in a chain that verifies.
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["archive.imported"]
    assert audit_verify().ok
    # New rows after the import get new ids (the id sequences were moved past the imported rows).
    added = Question.objects.create(consultation_id=consultation_id, text="Ny fråga efter importen")
    assert added.pk > max(row["id"] for row in before["questions"])
    # People come back as historical actors: no password, no login.
    assert not User.objects.filter(is_active=True).exists()
    assert not any(user.has_usable_password() for user in User.objects.all())


def _tampered_copy(package: Path, target: Path, member_suffix: str) -> Path:
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as copy:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.endswith(member_suffix):
                data = data.replace(b"Kommunstyrelsen", b"Kommunfullmaktige", 1)
            copy.writestr(member, data)
    return target


def test_a_changed_package_is_refused_and_nothing_is_written(closed_case, tmp_path):
    result = archive_export(
        actor=closed_case.coordinator, consultation=closed_case.consultation, target=tmp_path / "paket.zip"
    )
    _empty_the_database()
    changed = _tampered_copy(result.path, tmp_path / "changed.zip", ".json")
    with pytest.raises(CommandError, match="does not match the size and SHA-256"):
        call_command("archive_import", str(changed))
    assert not Consultation.objects.exists() and not ImportedAuditEvent.objects.exists()

    call_command("archive_import", str(result.path))
    with pytest.raises(ImportRefused, match="already in the database"):
        archive_import(actor="test", package=result.path)
    assert Consultation.objects.count() == 1


def test_the_package_folder_imports_as_well_as_the_zip(closed_case, tmp_path):
    result = archive_export(
        actor=closed_case.coordinator, consultation=closed_case.consultation, target=tmp_path / "paket.zip"
    )
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(tmp_path / "folder")
    folder = tmp_path / "folder" / result.objid
    extra = folder / "representations/rep1/data/unlisted.txt"
    extra.write_text("not in METS")
    _empty_the_database()
    with pytest.raises(ImportRefused, match="does not list"):
        archive_import(actor="test", package=folder)
    extra.unlink()
    shutil.rmtree(folder / "schemas")
    with pytest.raises(ImportRefused, match="missing"):
        archive_import(actor="test", package=folder)
    assert not Consultation.objects.exists()
