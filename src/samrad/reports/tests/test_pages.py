"""The "Sammanställning" page: start, the summary kept on a validation error, sign off with a confirm step, the
downloads; refused (404) to anyone who does not run the consultation and before it has closed."""

import pytest
from django.urls import reverse

from samrad.audit.models import AuditEvent
from samrad.consultations.models import Consultation
from samrad.consultations.tests.factories import ConsultationFactory
from samrad.reports.models import Compilation
from samrad.reports.services import SUMMARY_MAX_LENGTH

pytestmark = pytest.mark.django_db


def test_the_coordinator_compiles_and_signs_off(client, closed_world, coordinator):
    consultation = closed_world["consultation"]
    client.force_login(coordinator)
    page = reverse("reports:compilation", args=[consultation.pk])
    detail = client.get(reverse("coordination:detail", args=[consultation.pk])).content.decode()
    assert page in detail  # linked from the header and the closed consultation's page

    assert "Påbörja sammanställningen" in client.get(page).content.decode()
    assert client.post(reverse("reports:start", args=[consultation.pk])).url == page
    compilation = Compilation.objects.get(consultation=consultation)

    too_long = "å" * (SUMMARY_MAX_LENGTH + 1)
    refused = client.post(reverse("reports:summary", args=[consultation.pk]), {"summary": too_long})
    assert refused.status_code == 200
    assert too_long in refused.content.decode()  # kept
    compilation.refresh_from_db()
    assert compilation.summary == ""

    client.post(reverse("reports:summary", args=[consultation.pk]), {"summary": "Kommunerna betonade samordning."})
    shown = client.get(page).content.decode()
    assert "Kommunerna betonade samordning." in shown
    assert "Fråga 1: Vad anser ni om förslaget?" in shown
    taby = closed_world["taby"].receipt_number
    assert reverse("reading:answer", args=[consultation.pk, taby]) in shown  # each account links to its answer

    confirm = client.get(reverse("reports:sign_off", args=[consultation.pk]))
    assert "Godkänn" in confirm.content.decode()
    assert client.post(reverse("reports:sign_off", args=[consultation.pk])).url == page
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.COMPILED
    final = client.get(page).content.decode()
    assert "slutliga versionerna" in final and 'name="summary"' not in final

    for file_format, content_type in [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pdf", "application/pdf"),
        ("html", "text/html; charset=utf-8"),
    ]:
        response = client.get(reverse("reports:download", args=[consultation.pk, file_format]))
        assert (response.status_code, response["Content-Type"]) == (200, content_type)
        assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("reports:download", args=[consultation.pk, "exe"])).status_code == 404
    downloads = AuditEvent.objects.filter(action="compilation.downloaded", object_id=str(compilation.pk))
    assert sorted(event.changes["format"] for event in downloads) == ["docx", "html", "pdf", "xlsx"]


def test_others_are_refused(client, closed_world, coordinator, other_coordinator, respondent):
    consultation = closed_world["consultation"]
    client.force_login(coordinator)
    client.post(reverse("reports:start", args=[consultation.pk]))
    for person in (other_coordinator, respondent):
        client.force_login(person)
        for name, args in [
            ("reports:compilation", [consultation.pk]),
            ("reports:sign_off", [consultation.pk]),
            ("reports:download", [consultation.pk, "docx"]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404
        assert client.post(reverse("reports:summary", args=[consultation.pk]), {"summary": "x"}).status_code == 404
    assert Compilation.objects.get(consultation=consultation).summary == ""


def test_no_compilation_before_closing(client, region, coordinator):
    consultation = ConsultationFactory.create(open=True, senders=[region])
    client.force_login(coordinator)
    assert client.get(reverse("reports:compilation", args=[consultation.pk])).status_code == 404
    client.post(reverse("reports:start", args=[consultation.pk]))
    assert not Compilation.objects.exists()
