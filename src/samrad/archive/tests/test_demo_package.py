"""The demo's closed consultation (the kommunremiss of the winter 2015/16: 26 municipalities, 22 answers, one
joint, three on paper, two declines, one body not on the list), compiled and signed off, archived: the package is
valid for the E-ARK validator, and imported into an empty database it gives back every answer, attachment
(SHA-256), status change, audit event and the compilation."""

import time
from collections import Counter

import pytest
from django.core.management import call_command

from samrad.accounts.models import User
from samrad.archive.models import ImportedAuditEvent
from samrad.archive.services import archive_export
from samrad.archive.tests.test_import import _case_audit_events, _empty_the_database, _snapshot
from samrad.archive.validation import validate_package
from samrad.consultations import demo_closed
from samrad.consultations.models import Consultation
from samrad.core.demo import demo_load
from samrad.documents.models import StoredFile
from samrad.reports.services import compilation_sign_off, compilation_start, compilation_summary_set

pytestmark = pytest.mark.django_db


def test_the_demo_consultation_archived_and_imported_whole(tmp_path):
    started = time.perf_counter()
    demo_load()
    consultation = Consultation.objects.get(title=demo_closed.TITLE)
    karin = User.objects.get(email="karin.lindqvist@ksl.example")
    compilation = compilation_start(actor=karin, consultation=consultation)
    compilation_summary_set(actor=karin, compilation=compilation, summary="Kommunerna betonade samverkan.")
    compilation_sign_off(actor=karin, compilation=compilation)
    loaded = time.perf_counter()

    result = archive_export(actor=karin, consultation=consultation, target=tmp_path / "demo.zip")
    exported = time.perf_counter()
    report = validate_package(result.path)
    print(report.text())
    assert report.valid_but_for_known_defects, report.text()
    assert not report.warnings()

    before = _snapshot(consultation.pk)
    events_before = _case_audit_events(consultation.pk)
    assert len(before["submissions"]) == 22
    assert Counter(r["status"] for r in before["referrals"]) == {"submitted": 22, "declined": 2, "invited": 2}
    names = [stored.file.name for stored in StoredFile.objects.all()]
    _empty_the_database()
    for name in names:
        StoredFile._meta.get_field("file").storage.delete(name)

    call_command("archive_import", str(result.path))
    imported = time.perf_counter()
    after = _snapshot(consultation.pk)
    for name, rows in before.items():
        assert after[name] == rows, name
    kept = set(ImportedAuditEvent.objects.values_list("original_id", "hash"))
    assert {(event["id"], event["hash"]) for event in events_before} <= kept
    print(
        f"demo loaded and compiled in {loaded - started:.1f} s, exported in {exported - loaded:.1f} s "
        f"({result.files} files, {result.audit_events} audit events), imported in {imported - exported:.1f} s"
    )
