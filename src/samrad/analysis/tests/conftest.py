"""The consultation tests' people and bodies (a sending region with its coordinator, a municipality with its
respondent), for the tests of reading stances into answers."""

from samrad.consultations.tests.conftest import (  # noqa: F401
    coordinator,
    municipality,
    other_coordinator,
    region,
    respondent,
)
