"""The consultation tests' people and bodies (a sending region with its coordinator, another body's coordinator)."""

from samrad.consultations.tests.conftest import (  # noqa: F401
    coordinator,
    municipality,
    other_coordinator,
    region,
    respondent,
)
