"""The whole case of one consultation as plain rows: what the archive package's `samrad-case.json` holds, and
what an import writes back.

Every table that belongs to the case is read whole and generically (each concrete field by its column name,
foreign keys as the ids they hold), so that a field added to one of these models later is exported and imported
without a change here. The rows the case points at but does not own (organisations and their counties and
former names, the people who acted, the stored files) come along as far as the case refers to them.

Which tables are the case is listed once, in CASE_TABLES, in the order an import writes them (a row's foreign
keys point at rows written before it).
"""

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from samrad.consultations.models import Consultation

Filter = Callable[[Consultation], dict[str, Any]]


@dataclass(frozen=True)
class CaseTable:
    label: str  # "app_label.model_name"
    # How the consultation's rows are found (None: rows the case refers to, see REFERENCED).
    of_case: Filter | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


def _by(path: str) -> Filter:
    return lambda consultation: {path: consultation.pk}


# The register's and the accounts' rows the case refers to: looked up by a natural key on import, so that a
# package can also go into a database that already holds the register (see importing.py).
SHARED_TABLES = ("organisations.county", "organisations.organisation", "accounts.user")

CASE_TABLES: tuple[CaseTable, ...] = (
    CaseTable("organisations.county"),
    CaseTable("organisations.organisation"),
    CaseTable("organisations.organisationname"),
    CaseTable("accounts.user"),
    CaseTable("documents.storedfile"),
    CaseTable("documents.documentpage"),
    CaseTable("consultations.consultation", _by("pk")),
    CaseTable("consultations.consultationsender", _by("consultation")),
    CaseTable("consultations.statuschange", _by("consultation")),
    CaseTable("consultations.consultationdocument", _by("consultation")),
    CaseTable("consultations.question", _by("consultation")),
    CaseTable("consultations.referral", _by("consultation")),
    CaseTable("consultations.referralstatuschange", _by("referral__consultation")),
    CaseTable("consultations.remindersent", _by("referral__consultation")),
    CaseTable("consultations.extensionrequest", _by("referral__consultation")),
    CaseTable("consultations.response", _by("consultation")),
    CaseTable("consultations.answer", _by("response__consultation")),
    CaseTable("consultations.responseattachment", _by("response__consultation")),
    CaseTable("consultations.responsesignatory", _by("response__consultation")),
    CaseTable("consultations.submission", _by("response__consultation")),
    CaseTable("consultations.submission_attachments", _by("submission__response__consultation")),
    CaseTable("consultations.submissionstance", _by("submission__response__consultation")),
    CaseTable("accounts.delegation", _by("consultation")),
    CaseTable("reports.compilation", _by("consultation")),
    CaseTable("reports.compilationdocument", _by("compilation__consultation")),
    CaseTable("analysis.similarityrun", _by("consultation")),
    CaseTable("analysis.themerun", _by("consultation")),
    CaseTable("analysis.theme", _by("run__consultation")),
    CaseTable("analysis.themequote", _by("theme__run__consultation")),
)

# Fields never exported: secrets and what only makes sense on the platform that wrote them.
EXCLUDED_FIELDS = {
    "accounts.user": {"password", "last_login", "is_superuser", "is_staff"},
}

# The audit log's object types and how the case's objects of each type are found (their ids as text).
AUDITED_OBJECTS: dict[str, str] = {
    "consultations.consultation": "consultations.consultation",
    "consultations.referral": "consultations.referral",
    "consultations.response": "consultations.response",
    "consultations.submission": "consultations.submission",
    "consultations.question": "consultations.question",
    "consultations.consultationdocument": "consultations.consultationdocument",
    "consultations.extensionrequest": "consultations.extensionrequest",
    "accounts.delegation": "accounts.delegation",
    "reports.compilation": "reports.compilation",
    "documents.storedfile": "documents.storedfile",
    "analysis.themerun": "analysis.themerun",
    "analysis.theme": "analysis.theme",
    "analysis.themequote": "analysis.themequote",
    "analysis.similarityrun": "analysis.similarityrun",
}


def table(label: str) -> CaseTable:
    return next(entry for entry in CASE_TABLES if entry.label == label)


def concrete_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    excluded = EXCLUDED_FIELDS.get(model._meta.label_lower, set())
    return [field for field in model._meta.concrete_fields if field.name not in excluded]


def plain(value: Any) -> Any:
    """A field's value as JSON."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row_of(instance: models.Model) -> dict[str, Any]:
    """Every exported column of a row, by column attribute name (`consultation_id`, not `consultation`)."""
    return {field.attname: plain(getattr(instance, field.attname)) for field in concrete_fields(type(instance))}


def value_from(field: models.Field[Any, Any], value: Any) -> Any:
    """A column's value back from JSON."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.ForeignKey):
        return field.target_field.to_python(value)
    if isinstance(field, models.FileField):
        return value
    return field.to_python(value)


def foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [field for field in concrete_fields(model) if isinstance(field, models.ForeignKey)]


def case_rows(consultation: Consultation) -> dict[str, list[dict[str, Any]]]:
    """Every row of the case, by table label, each in primary key order."""
    rows: dict[str, list[dict[str, Any]]] = {}
    referenced: dict[str, set[Any]] = {label: set() for label in _referenced_labels()}
    for entry in CASE_TABLES:
        if entry.of_case is None:
            continue
        queryset = entry.model._default_manager.filter(**entry.of_case(consultation)).order_by("pk")
        rows[entry.label] = [row_of(instance) for instance in queryset]
        _note_references(entry.model, rows[entry.label], referenced)
    # The files' pages, and the organisations' counties and former names, once the files and organisations are
    # known; the people last, since files and organisations name them too.
    files = entry_rows("documents.storedfile", referenced)
    rows["documents.storedfile"] = files
    _note_references(table("documents.storedfile").model, files, referenced)
    rows["documents.documentpage"] = [
        row_of(page)
        for page in table("documents.documentpage")
        .model._default_manager.filter(file_id__in=referenced["documents.storedfile"])
        .order_by("pk")
    ]
    organisations = entry_rows("organisations.organisation", referenced)
    rows["organisations.organisation"] = organisations
    _note_references(table("organisations.organisation").model, organisations, referenced)
    rows["organisations.organisationname"] = [
        row_of(name)
        for name in table("organisations.organisationname")
        .model._default_manager.filter(organisation_id__in=referenced["organisations.organisation"])
        .order_by("pk")
    ]
    rows["organisations.county"] = entry_rows("organisations.county", referenced)
    rows["accounts.user"] = entry_rows("accounts.user", referenced)
    return {entry.label: rows.get(entry.label, []) for entry in CASE_TABLES}


def _referenced_labels() -> list[str]:
    return ["documents.storedfile", "organisations.organisation", "organisations.county", "accounts.user"]


def _note_references(
    model: type[models.Model], rows: Iterable[dict[str, Any]], referenced: dict[str, set[Any]]
) -> None:
    for field in foreign_keys(model):
        target = field.related_model._meta.label_lower
        if target in referenced:
            referenced[target].update(row[field.attname] for row in rows if row[field.attname] is not None)


def entry_rows(label: str, referenced: dict[str, set[Any]]) -> list[dict[str, Any]]:
    model = table(label).model
    return [row_of(instance) for instance in model._default_manager.filter(pk__in=referenced[label]).order_by("pk")]


def add_people(rows: dict[str, list[dict[str, Any]]], user_ids: Iterable[int]) -> None:
    """Add the people named only by the audit events (e.g. someone who saved a draft that was never submitted)."""
    known = {row["id"] for row in rows["accounts.user"]}
    missing = set(user_ids) - known
    if not missing:
        return
    model = table("accounts.user").model
    rows["accounts.user"] = sorted(
        rows["accounts.user"] + [row_of(user) for user in model._default_manager.filter(pk__in=missing)],
        key=lambda row: row["id"],
    )
