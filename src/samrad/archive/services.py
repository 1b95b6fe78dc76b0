"""Making a consultation's archive package, and importing one (importing.py), each audited."""

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from samrad.actors import Actor, is_system
from samrad.archive.audit_events import case_audit_events, chain_head
from samrad.archive.case import add_people, case_rows
from samrad.archive.importing import ArchiveImport, ImportRefused, archive_import
from samrad.archive.package import Package, package_build, package_zip
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Consultation, Submission
from samrad.consultations.submission_pdfs import submission_pdf_ensure
from samrad.errors import NotAllowedNow

__all__ = ["ArchiveImport", "ExportResult", "ImportRefused", "archive_export", "archive_import"]

ARCHIVABLE = (Consultation.Status.CLOSED, Consultation.Status.COMPILED, Consultation.Status.PUBLISHED)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    objid: str
    sha256: str
    files: int
    audit_events: int


def _require_archivable(actor: Actor, consultation: Consultation) -> None:
    if not is_system(actor) and not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    if consultation.status not in ARCHIVABLE:
        raise NotAllowedNow(_("A consultation is archived once it has closed."))


def archive_export(*, actor: Actor, consultation: Consultation, target: Path) -> ExportResult:
    """Write the consultation's archive package as a ZIP at `target`. The answers' PDFs not yet rendered are
    rendered first (the same job the worker runs after a submission), so that every answer is in the package as a
    document."""
    _require_archivable(actor, consultation)
    for submission_id in Submission.objects.filter(response__consultation=consultation, pdf__isnull=True).values_list(
        "pk", flat=True
    ):
        submission_pdf_ensure(submission_id=submission_id)
    rows = case_rows(consultation)
    events = case_audit_events(rows)
    add_people(rows, [event["actor_id"] for event in events if event["actor_id"] is not None])
    work = Path(tempfile.mkdtemp(prefix="samrad-archive-export-"))
    try:
        package: Package = package_build(consultation, work, audit_events=events, audit_head=chain_head(), rows=rows)
        target.parent.mkdir(parents=True, exist_ok=True)
        package_zip(package.root, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    digest = hashlib.sha256()
    with target.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    result = ExportResult(
        path=target,
        objid=package.objid,
        sha256=digest.hexdigest(),
        files=len(package.files) + 1,
        audit_events=len(events),
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="consultation.archive_exported",
            target=consultation,
            changes={
                "package": result.objid,
                "package_sha256": result.sha256,
                "files": result.files,
                "audit_events": result.audit_events,
            },
        )
    return result
