"""Region Gotland is one body, a municipality (0980) and a region: where the register holds it twice (the
municipality 0980 and a region with the same registry address), the two records become one, "Region Gotland",
kind municipality and second kind region. Every row pointing at the region record moves (see merging.py).

Dependencies: the organisations schema with `second_kind` (0003) and the audit log as it is now (0003_seals), since
each merge is written to the audit chain through `audit_record`. No other app is named: on an existing database
every applied app's models are in the migration state (so every relation to move is seen), and on a new database
an app migrated after this has no rows to move yet.
"""

from django.db import migrations, transaction

GOTLAND_CODE = "0980"
GOTLAND_NAME = "Region Gotland"


def merge_gotland(apps, schema_editor):
    from samrad.audit.services import audit_record
    from samrad.organisations.merging import organisation_rows_merge

    Organisation = apps.get_model("organisations", "Organisation")
    municipality = Organisation.objects.filter(
        municipality_code=GOTLAND_CODE, kind="municipality", second_kind__isnull=True
    ).first()
    if municipality is None or not municipality.registry_email:
        return
    regions = Organisation.objects.filter(
        kind="region", second_kind__isnull=True, registry_email__iexact=municipality.registry_email
    ).exclude(pk=municipality.pk)
    for region in regions.order_by("pk"):
        with transaction.atomic():
            name = region.name
            report = organisation_rows_merge(keep=municipality, gone=region, apps=apps)
            Organisation.objects.filter(pk=municipality.pk).update(name=name, second_kind="region")
            municipality.name, municipality.second_kind = name, "region"
            changes = report.as_changes()
            changes["filled"] = {**changes["filled"], "name": name, "second_kind": "region"}
            audit_record(
                actor="migration",
                action="organisation.merge",
                object_type="organisations.organisation",
                object_id=municipality.pk,
                changes=changes,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_second_kind_and_former_names"),
        ("audit", "0003_seals"),
    ]

    operations = [migrations.RunPython(merge_gotland, migrations.RunPython.noop)]
