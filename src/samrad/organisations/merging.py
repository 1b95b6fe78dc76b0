"""Merging two records of the register that are one body (e.g. Region Gotland entered as a municipality and as a
region): everything that points at the record that goes is moved to the record that stays, then it is deleted.

Every relation is found from the model's metadata (every foreign key, one-to-one and many-to-many table that
points at Organisation, in any app, present or future), so that no new relation can be forgotten here. A row that
cannot move because the staying record already has its twin (the same person with the same role, the same group)
is dropped only when nothing else points at it; otherwise the merge stops and nothing changes.

`organisation_rows_merge` works on any app registry, so that the data migration can run it on the historical
models; `organisation_merge` is the service (permission, lock, audit).
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.utils.translation import gettext as _

from samrad.actors import COORDINATE, Actor, may
from samrad.audit.services import audit_record
from samrad.errors import InvalidInput
from samrad.organisations.models import Organisation

# Values the staying record takes from the one that goes when it has none of its own.
FILLED_FIELDS = ["municipality_code", "organisation_number", "short_name", "website", "population", "population_year"]


@dataclass
class MergeReport:
    kept_id: int
    gone_id: int
    gone_name: str
    moved: dict[str, int] = field(default_factory=dict)  # "app_label.model.field" -> rows moved
    dropped: list[str] = field(default_factory=list)  # "app_label.model:pk" of twins dropped
    filled: dict[str, Any] = field(default_factory=dict)  # field -> value taken from the record that went

    def as_changes(self) -> dict[str, Any]:
        return {
            "merged_id": self.gone_id,
            "merged_name": self.gone_name,
            "moved": self.moved,
            "dropped_duplicates": self.dropped,
            "filled": self.filled,
        }


class MergeConflict(InvalidInput):
    """A row cannot be moved: the staying record has its twin and something else depends on it."""


def _relations(organisation_model: type[models.Model]) -> list[ForeignObjectRel]:
    """Every relation pointing at Organisation, hidden ones too (the tables behind many-to-many fields, ours and
    other apps'), except the many-to-many descriptors themselves, whose tables are in the list already."""
    return [
        relation
        for relation in organisation_model._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel) and not relation.many_to_many
    ]


def _has_dependants(row: models.Model) -> bool:
    for relation in row._meta.get_fields(include_hidden=True):
        if isinstance(relation, ForeignObjectRel) and not relation.many_to_many:
            manager = relation.related_model._base_manager
            if manager.filter(**{relation.field.name: row}).exists():
                return True
    return False


def organisation_rows_merge(*, keep: Any, gone: Any, apps: Apps = global_apps) -> MergeReport:
    """`keep` and `gone` are Organisations of `apps` (historical ones in a migration, hence Any).
    Move every row pointing at `gone` to `keep`, give `keep` what it lacks, delete `gone`. Call it inside a
    transaction (the service and the migration do): a conflict raises MergeConflict halfway."""
    organisation_model = apps.get_model("organisations", "Organisation")
    report = MergeReport(kept_id=keep.pk, gone_id=gone.pk, gone_name=gone.name)
    for relation in _relations(organisation_model):
        model, field_name = relation.related_model, relation.field.name
        label = f"{model._meta.label_lower}.{field_name}"
        pointing = model._base_manager.filter(**{field_name: gone.pk})
        try:
            with transaction.atomic():  # all at once, unless some row has a twin on `keep`
                moved = pointing.update(**{field_name: keep.pk})
        except IntegrityError:
            pass
        else:
            if moved:
                report.moved[label] = moved
            continue
        for row in list(pointing.order_by("pk")):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=row.pk).update(**{field_name: keep.pk})
            except IntegrityError as error:
                if _has_dependants(row):
                    raise MergeConflict(
                        _("%(model)s %(id)s of %(gone)s cannot be moved to %(keep)s, which already has its twin.")
                        % {"model": model._meta.verbose_name, "id": row.pk, "gone": gone.name, "keep": keep.name}
                    ) from error
                model._base_manager.filter(pk=row.pk).delete()
                report.dropped.append(f"{model._meta.label_lower}:{row.pk}")
            else:
                report.moved[label] = report.moved.get(label, 0) + 1
    for name in FILLED_FIELDS:
        if getattr(keep, name) in (None, "") and getattr(gone, name) not in (None, ""):
            report.filled[name] = getattr(gone, name)
    if getattr(keep, "second_kind", None) is None and gone.kind != keep.kind:
        report.filled["second_kind"] = gone.kind
    if report.filled.get("municipality_code"):
        # The code is unique: the record that goes gives it up first.
        organisation_model._base_manager.filter(pk=gone.pk).update(municipality_code=None)
    organisation_model._base_manager.filter(pk=gone.pk).delete()
    if report.filled:
        organisation_model._base_manager.filter(pk=keep.pk).update(**report.filled)
        for name, value in report.filled.items():
            setattr(keep, name, value)
    return report


def organisation_merge(*, actor: Actor, keep: Organisation, gone: Organisation, name: str | None = None) -> MergeReport:
    """Merge `gone` into `keep` (both organisations of the register), optionally giving the result a name (e.g.
    "Region Gotland"); coordinators only, audited with what moved."""
    if not may(actor, COORDINATE):
        raise PermissionDenied(_("Only coordinators may change the organisation register."))
    if keep.pk == gone.pk:
        raise InvalidInput(_("An organisation cannot be merged with itself."))
    with transaction.atomic():
        locked = {org.pk: org for org in Organisation.objects.select_for_update().filter(pk__in=[keep.pk, gone.pk])}
        if len(locked) != 2:
            raise InvalidInput(_("There is no such organisation."))
        kept, went = locked[keep.pk], locked[gone.pk]
        report = organisation_rows_merge(keep=kept, gone=went)
        if name and name != kept.name:
            report.filled["name"] = name
            Organisation.objects.filter(pk=kept.pk).update(name=name)
        audit_record(
            actor=actor,
            action="organisation.merge",
            object_type="organisations.organisation",
            object_id=kept.pk,
            changes=report.as_changes(),
        )
    return report
