"""Rebuilding a consultation from its archive package (see ADR 0009).

The import is a restore, not a replay: every row of the case is written back as it was (same ids, times,
receipt numbers, frozen contents and checksums), the files are stored again from the package, the case's audit
events are kept verbatim beside the chain (ImportedAuditEvent) and the import itself is one new audit event.

Before anything is written the package is checked whole: the ZIP (paths, sizes), every file against the SHA-256
and size the package's METS gives for it, no file that METS does not list, every stored file against the
checksum the case records for it, and every audit event against its hash. Then everything is written in one
transaction: a package that does not fit (its consultation's reference number or rows already in the database)
changes nothing.

The register's rows and the people the case names are matched to what the database already holds (a county by
its code, an organisation by municipality code, else organisation number, else kind and name, a person by
e-mail address) and created otherwise; people are created without a password and inactive, as historical actors.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from samrad.actors import Actor
from samrad.archive.audit_events import audit_events_check
from samrad.archive.case import CASE_TABLES, SHARED_TABLES, concrete_fields, table, value_from
from samrad.archive.models import ArchiveImport, ImportedAuditEvent
from samrad.archive.package import FORMAT, FORMAT_VERSION, METS_NS, XLINK_NS
from samrad.audit.services import audit_record
from samrad.consultations.models import Consultation
from samrad.documents.models import StoredFile, stored_file_path

DEFAULT_MAX_BYTES = 20 * 1024**3  # what a package may unpack to
MAX_RATIO = 200  # unpacked / packed, per member (an archive bomb is refused)
BATCH = 500


class ImportRefused(Exception):
    """The package cannot be imported; nothing was written. The message says why."""


def _max_bytes() -> int:
    return int(getattr(settings, "ARCHIVE_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Reading and checking the package ------------------------------------------------------------------------


@contextmanager
def unpacked(package: Path) -> Iterator[Path]:
    """The package's root folder: the folder itself, or a ZIP unpacked into a temporary folder (removed after)."""
    if package.is_dir():
        yield package
        return
    if not zipfile.is_zipfile(package):
        raise ImportRefused(f"{package.name} is neither a package folder nor a ZIP file.")
    work = Path(tempfile.mkdtemp(prefix="samrad-archive-"))
    try:
        with zipfile.ZipFile(package) as archive:
            members = archive.infolist()
            total = 0
            tops = set()
            for member in members:
                name = PurePosixPath(member.filename)
                if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                    raise ImportRefused(f"The ZIP holds a path outside its folder: {member.filename!r}.")
                if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                    raise ImportRefused(f"{member.filename} unpacks to more than {MAX_RATIO} times its size.")
                total += member.file_size
                tops.add(name.parts[0])
            if total > _max_bytes():
                raise ImportRefused(f"The package unpacks to {total} bytes, more than the {_max_bytes()} allowed.")
            if len(tops) != 1:
                raise ImportRefused("An archive package's ZIP holds exactly one folder (CSIPSTR1).")
            archive.extractall(work)
        yield work / tops.pop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def mets_listing(root: Path) -> dict[str, tuple[int, str]]:
    """Every file the package's METS lists (files and metadata references): path → (size, SHA-256)."""
    try:
        tree = SafeET.parse(root / "METS.xml")
    except (OSError, SafeET.ParseError) as error:
        raise ImportRefused(f"The package's METS.xml cannot be read: {error}") from error
    listing: dict[str, tuple[int, str]] = {}
    for element in tree.iter():
        if element.tag == f"{{{METS_NS}}}file":
            location = element.find(f"{{{METS_NS}}}FLocat")
            href = location.get(f"{{{XLINK_NS}}}href", "") if location is not None else ""
        elif element.tag == f"{{{METS_NS}}}mdRef":
            href = element.get(f"{{{XLINK_NS}}}href", "")
        else:
            continue
        if element.get("CHECKSUMTYPE") != "SHA-256":
            raise ImportRefused(f"METS gives {href} no SHA-256 checksum.")
        listing[href] = (int(element.get("SIZE", "-1")), (element.get("CHECKSUM") or "").lower())
    return listing


def package_check(root: Path) -> dict[str, tuple[int, str]]:
    """Every file is the one METS lists, byte for byte, and nothing else is in the package."""
    listing = mets_listing(root)
    present = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    present.discard("METS.xml")
    missing = sorted(set(listing) - present)
    if missing:
        raise ImportRefused(f"Files the package's METS lists are missing: {', '.join(missing[:5])}.")
    unlisted = sorted(present - set(listing))
    if unlisted:
        raise ImportRefused(f"Files the package's METS does not list: {', '.join(unlisted[:5])}.")
    for path, (size, checksum) in sorted(listing.items()):
        target = root / path
        if target.stat().st_size != size or sha256_file(target) != checksum:
            raise ImportRefused(f"{path} does not match the size and SHA-256 the package's METS gives for it.")
    return listing


def _read_json(root: Path, path: str) -> Any:
    try:
        return json.loads((root / path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImportRefused(f"{path} cannot be read: {error}") from error


# --- Writing -------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Import:
    root: Path
    case: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    id_maps: dict[str, dict[Any, Any]] = dataclasses.field(default_factory=dict)
    created_organisations: set[Any] = dataclasses.field(default_factory=set)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    stored_names: list[str] = dataclasses.field(default_factory=list)


def _existing_match(label: str, row: dict[str, Any]) -> models.Model | None:
    model = table(label).model
    manager = model._default_manager
    if label == "organisations.county":
        return manager.filter(code=row["code"]).first()
    if label == "accounts.user":
        return manager.filter(email__iexact=row["email"]).first() if row["email"] else None
    if row.get("municipality_code"):
        return manager.filter(municipality_code=row["municipality_code"]).first()
    if row.get("organisation_number"):
        found = manager.filter(organisation_number=row["organisation_number"]).first()
        if found is not None:
            return found
    return manager.filter(kind=row["kind"], name=row["name"]).first()


def _remapped(model: type[models.Model], row: dict[str, Any], id_maps: dict[str, dict[Any, Any]]) -> dict[str, Any]:
    values = dict(row)
    for field in concrete_fields(model):
        if isinstance(field, models.ForeignKey):
            target = field.related_model._meta.label_lower
            value = values.get(field.attname)
            if value is not None and target in id_maps:
                values[field.attname] = id_maps[target].get(value, value)
    return values


def _instance(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    kwargs = {}
    for field in concrete_fields(model):
        if field.attname in values:
            kwargs[field.attname] = value_from(field, values[field.attname])
    return model(**kwargs)


def _fix_auto_times(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """auto_now / auto_now_add fields were set to now on insert: put the package's times back."""
    fields = [
        field
        for field in concrete_fields(model)
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
    ]
    if not fields:
        return
    for row in rows:
        values = {field.attname: value_from(field, row[field.attname]) for field in fields}
        models.QuerySet(model=model).filter(pk=row["id"]).update(**values)


def _shared(job: _Import, label: str) -> None:
    model = table(label).model
    id_map: dict[Any, Any] = {}
    created: list[dict[str, Any]] = []
    for row in job.tables[label]:
        existing = _existing_match(label, row)
        if existing is not None:
            id_map[row["id"]] = existing.pk
            continue
        values = _remapped(model, row, job.id_maps)
        if model._default_manager.filter(pk=row["id"]).exists():
            values.pop("id")
        instance = _instance(model, values)
        if label == "accounts.user":
            instance.set_unusable_password()  # type: ignore[attr-defined]
            instance.is_active = False  # type: ignore[attr-defined]
        instance.save(force_insert=True)
        id_map[row["id"]] = instance.pk
        created.append({**row, "id": instance.pk})
    _fix_auto_times(model, created)
    job.id_maps[label] = id_map
    job.counts[label] = len(created)
    if label == "organisations.organisation":
        job.created_organisations = {row["id"] for row in created}


def _stored_file(job: _Import, values: dict[str, Any]) -> models.Model:
    instance = _instance(StoredFile, values)
    path = job.case["paths"]["storedfile"].get(str(values["id"]))
    if path is None:
        raise ImportRefused(f"The package has no file for stored file {values['id']}.")
    source = job.root / path
    if sha256_file(source) != values["sha256"]:
        raise ImportRefused(f"{path} is not the file the case records (its SHA-256 differs).")
    with source.open("rb") as stream:
        name = default_storage.save(stored_file_path(instance, values["original_name"]), File(stream))  # type: ignore[arg-type]
    job.stored_names.append(name)
    instance.file.name = name  # type: ignore[attr-defined]
    return instance


def _compilation_document(job: _Import, values: dict[str, Any]) -> models.Model:
    model = table("reports.compilationdocument").model
    instance = _instance(model, values)
    path = job.case["paths"].get("compilationdocument", {}).get(str(values["id"]))
    if values.get("file") and path:
        with (job.root / path).open("rb") as stream:
            name = default_storage.save(values["file"], File(stream))
        job.stored_names.append(name)
        instance.file.name = name  # type: ignore[attr-defined]
    return instance


def _owned(job: _Import, label: str) -> None:
    model = table(label).model
    rows = job.tables[label]
    if label == "organisations.organisationname":
        organisations = job.id_maps["organisations.organisation"]
        rows = [row for row in rows if organisations.get(row["organisation_id"]) in job.created_organisations]
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), BATCH):
        if model._default_manager.filter(pk__in=ids[start : start + BATCH]).exists():
            raise ImportRefused(
                f"The database already holds rows of {label} with the ids this package's case has; an archive "
                "package is imported into a database that does not hold its consultation."
            )
    instances = []
    for row in rows:
        values = _remapped(model, row, job.id_maps)
        if label == "documents.storedfile":
            instances.append(_stored_file(job, values))
        elif label == "reports.compilationdocument":
            instances.append(_compilation_document(job, values))
        else:
            instances.append(_instance(model, values))
    model._default_manager.bulk_create(instances, batch_size=BATCH)
    _fix_auto_times(model, rows)
    job.counts[label] = len(instances)


def _reset_sequences() -> None:
    labels = [entry.label for entry in CASE_TABLES] + ["archive.archiveimport", "archive.importedauditevent"]
    statements = connection.ops.sequence_reset_sql(no_style(), [table_model(label) for label in labels])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def table_model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def archive_import(*, actor: Actor, package: Path) -> ArchiveImport:
    """Import the package (a ZIP or an unpacked package folder). Raises ImportRefused, with nothing written, if
    the package does not check out or does not fit the database."""
    package_sha256 = sha256_file(package) if package.is_file() else ""
    with unpacked(package) as root:
        package_check(root)
        case = _read_json(root, "metadata/descriptive/samrad-case.json")
        audit = _read_json(root, "metadata/preservation/audit-events.json")
        if case.get("format") != FORMAT or case.get("format_version") != FORMAT_VERSION:
            raise ImportRefused(
                f"This is not a Samråd archive package of format {FORMAT} version {FORMAT_VERSION} "
                f"(it says {case.get('format')!r} version {case.get('format_version')!r})."
            )
        events = audit["events"]
        check = audit_events_check(events)
        if not check.ok:
            raise ImportRefused("The package's audit events do not check out: " + "; ".join(check.problems[:5]))
        if Consultation.objects.filter(reference_number=case["reference_number"]).exists():
            raise ImportRefused(
                f"A consultation with the reference number {case['reference_number']} is already in the database."
            )
        job = _Import(root=root, case=case, tables=case["tables"])
        try:
            with transaction.atomic():
                for entry in CASE_TABLES:
                    if entry.label in SHARED_TABLES:
                        _shared(job, entry.label)
                    else:
                        _owned(job, entry.label)
                _reset_sequences()
                consultation = Consultation.objects.get(pk=case["consultation_id"])
                record = ArchiveImport.objects.create(
                    objid=case["objid"],
                    package_name=package.name,
                    package_sha256=package_sha256,
                    consultation=consultation,
                    reference_number=case["reference_number"],
                    imported_at=timezone.now(),
                    imported_by=actor if getattr(actor, "is_authenticated", False) else None,
                    counts=job.counts,
                    source_chain_head=audit.get("chain_head_at_export") or {},
                    events_checked=check.checked,
                    events_linked=check.linked,
                    events_sealed=check.sealed,
                )
                ImportedAuditEvent.objects.bulk_create(
                    [_imported_event(record, event) for event in events], batch_size=BATCH
                )
                audit_record(
                    actor=actor,
                    action="archive.imported",
                    target=consultation,
                    changes={
                        "package": case["objid"],
                        "package_sha256": package_sha256,
                        "rows": job.counts,
                        "audit_events": check.checked,
                        "audit_events_linked": check.linked,
                        "audit_events_sealed": check.sealed,
                        "source_chain_head": audit.get("chain_head_at_export"),
                    },
                )
        except BaseException:
            for name in job.stored_names:
                default_storage.delete(name)
            raise
    return record


def _imported_event(record: ArchiveImport, event: dict[str, Any]) -> ImportedAuditEvent:
    created_at = dt.datetime.fromisoformat(event["created_at"])
    return ImportedAuditEvent(
        archive_import=record,
        original_id=event["id"],
        created_at=created_at,
        actor_id=event["actor_id"],
        actor_label=event["actor_label"],
        action=event["action"],
        object_type=event["object_type"],
        object_id=event["object_id"],
        object_label=event["object_label"],
        changes=event["changes"],
        prev_hash=event["prev_hash"],
        hash=event["hash"],
        seal=event["seal"],
        seal_key=event["seal_key"],
    )
