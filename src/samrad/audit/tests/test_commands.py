import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from samrad.audit.models import AuditEvent
from samrad.audit.services import audit_record


def record(count: int) -> list[AuditEvent]:
    return [audit_record(actor=None, action="test.cmd", object_type="t", object_id=n) for n in range(count)]


@pytest.mark.django_db
def test_audit_verify_reports_how_many_events_are_intact(capsys):
    events = record(3)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "3 events checked" in out
    assert events[-1].hash in out


@pytest.mark.django_db
def test_audit_verify_fails_naming_the_first_bad_event():
    events = record(3)
    models.QuerySet(model=AuditEvent).filter(pk=events[1].pk).update(object_id="999")
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert failure.value.returncode == 1
    assert f"event #{events[1].pk}" in str(failure.value)
    assert "content does not match" in str(failure.value)
