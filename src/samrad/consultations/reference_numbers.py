"""Reference numbers (diarienummer) for consultations, generated from a configurable pattern.

The pattern (settings.CONSULTATION_REFERENCE_PATTERN) may use {year} and {seq}, e.g. "SAM {year}/{seq:04d}"
gives "SAM 2026/0001". The counter is a row per pattern and year, locked while it is read and raised, so two
coordinators creating consultations at once never get the same number; the unique constraint on the number is
the last guard.
"""

from django.conf import settings
from django.db import transaction

from samrad.consultations.models import ReferenceSequence


def reference_number_next(*, year: int, pattern: str | None = None) -> str:
    pattern = pattern or settings.CONSULTATION_REFERENCE_PATTERN
    with transaction.atomic():
        sequence, _created = ReferenceSequence.objects.select_for_update().get_or_create(scope=pattern, year=year)
        ReferenceSequence.objects.filter(pk=sequence.pk).update(last_value=sequence.last_value + 1)
        return pattern.format(year=year, seq=sequence.last_value + 1)
