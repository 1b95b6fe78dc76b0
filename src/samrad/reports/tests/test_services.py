"""Starting, writing and signing off the compilation: closed consultations only, coordinators of the consultation
only, the summary locked after sign-off, the move to `compiled` through the lifecycle, every write audited."""

import pytest
from django.core.exceptions import PermissionDenied

from samrad.audit.models import AuditEvent
from samrad.consultations.models import Consultation, StatusChange
from samrad.consultations.tests.factories import ConsultationFactory
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.reports import services
from samrad.reports.models import Compilation
from samrad.reports.selectors import document_content

pytestmark = pytest.mark.django_db


def _actions(compilation):
    return list(
        AuditEvent.objects.filter(object_id=str(compilation.pk), action__startswith="compilation.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_only_a_closed_consultation_is_compiled(region, coordinator):
    consultation = ConsultationFactory.create(open=True, senders=[region])
    with pytest.raises(NotAllowedNow):
        services.compilation_start(actor=coordinator, consultation=consultation)
    assert not Compilation.objects.exists()


def test_another_organisation_is_refused(closed_world, other_coordinator, respondent):
    for person in (other_coordinator, respondent):
        with pytest.raises(PermissionDenied):
            services.compilation_start(actor=person, consultation=closed_world["consultation"])
    assert not Compilation.objects.exists()


def test_start_write_and_sign_off(closed_world, coordinator, other_coordinator):
    consultation = closed_world["consultation"]
    compilation = services.compilation_start(actor=coordinator, consultation=consultation)
    assert services.compilation_start(actor=coordinator, consultation=consultation) == compilation  # once
    with pytest.raises(InvalidInput):
        services.compilation_sign_off(actor=coordinator, compilation=compilation)  # no summary yet
    with pytest.raises(PermissionDenied):
        services.compilation_summary_set(actor=other_coordinator, compilation=compilation, summary="Nej")
    services.compilation_summary_set(actor=coordinator, compilation=compilation, summary="  Kommunerna betonade…\r\n")
    assert compilation.summary == "Kommunerna betonade…"
    with pytest.raises(PermissionDenied):
        services.compilation_sign_off(actor=other_coordinator, compilation=compilation)

    services.compilation_sign_off(actor=coordinator, compilation=compilation)
    compilation.refresh_from_db()
    consultation.refresh_from_db()
    assert compilation.status == Compilation.Status.SIGNED_OFF
    assert (compilation.signed_off_by, compilation.signed_off_at is not None) == (coordinator, True)
    assert consultation.status == Consultation.Status.COMPILED
    change = StatusChange.objects.filter(consultation=consultation).latest("pk")
    assert (change.from_status, change.to_status, change.actor) == ("closed", "compiled", coordinator)
    assert AuditEvent.objects.filter(action="consultation.compiled", object_id=str(consultation.pk)).exists()
    assert _actions(compilation) == ["compilation.start", "compilation.summary_set", "compilation.sign_off"]
    assert compilation.content["summary"] == "Kommunerna betonade…"

    with pytest.raises(NotAllowedNow):
        services.compilation_summary_set(actor=coordinator, compilation=compilation, summary="Ändrad")
    with pytest.raises(NotAllowedNow):
        services.compilation_sign_off(actor=coordinator, compilation=compilation)
    compilation.refresh_from_db()
    assert compilation.summary == "Kommunerna betonade…"


def test_the_signed_off_content_is_final(closed_world, coordinator):
    from samrad.consultations import stances

    compilation = services.compilation_start(actor=coordinator, consultation=closed_world["consultation"])
    services.compilation_summary_set(actor=coordinator, compilation=compilation, summary="Klar.")
    services.compilation_sign_off(actor=coordinator, compilation=compilation)
    # A later correction of a stance does not change the signed-off compilation.
    stances.stance_set(
        actor=coordinator, submission=closed_world["taby"], question=closed_world["stance_q"], stance="oppose"
    )
    compilation.refresh_from_db()
    first = document_content(compilation).questions[0]
    assert {line.stance: line.count for line in first.distribution}["support_with_changes"] == 1


def test_a_too_long_summary_is_refused(closed_world, coordinator):
    compilation = services.compilation_start(actor=coordinator, consultation=closed_world["consultation"])
    with pytest.raises(InvalidInput) as refused:
        services.compilation_summary_set(
            actor=coordinator, compilation=compilation, summary="x" * (services.SUMMARY_MAX_LENGTH + 1)
        )
    assert refused.value.field == "summary"
