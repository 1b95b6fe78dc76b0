"""The "Analys" tab and its XLSX download: the numbers on the page and in the workbook (read back with
openpyxl), a fixed number of queries, and only the consultation's coordinators."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samrad.analysis.tests.test_distribution import _answers, analysed  # noqa: F401 (fixture)
from samrad.audit.models import AuditEvent
from samrad.consultations.tests.conftest import (  # noqa: F401 (fixtures)
    coordinator,
    make_consultation,
    municipality,
    other_coordinator,
    region,
    respondent,
)

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_numbers_chart_and_breakdowns(client, coordinator, analysed):  # noqa: F811
    consultation = analysed["consultation"]
    client.force_login(coordinator)
    response = client.get(reverse("analysis:distributions", args=[consultation.pk]))
    assert response.status_code == 200
    html = response.text
    assert 'aria-current="page">Analys</a>' in html
    assert "Vad anser ni?" in html and "Övrigt" not in html
    assert '<svg role="img"' in html and "<desc" in html
    assert "Avstyrker: 50,0 % " in html  # the chart's text alternative
    assert "<td>3</td><td>50,0 %</td><td>190000</td><td>65,5 %</td><td>0</td>" in html
    assert "Södertörn" in html and "Finns inte i registret" in html and ">Region</th>" in html
    assert reverse("analysis:distributions_xlsx", args=[consultation.pk]) in html
    assert "2023–2024" in html


def test_the_tab_is_in_the_consultation_header(client, coordinator, analysed):  # noqa: F811
    client.force_login(coordinator)
    html = client.get(reverse("coordination:dashboard", args=[analysed["consultation"].pk])).text
    assert reverse("analysis:distributions", args=[analysed["consultation"].pk]) in html


def test_the_xlsx_has_a_sheet_per_stance_question_with_the_same_numbers(client, coordinator, analysed):  # noqa: F811
    consultation = analysed["consultation"]
    client.force_login(coordinator)
    response = client.get(reverse("analysis:distributions_xlsx", args=[consultation.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["Fråga 1"]
    rows = [row for row in workbook["Fråga 1"].iter_rows(values_only=True)]
    assert rows[0][0] == "Vad anser ni?"
    assert ("Alla", "Avstyrker", 3, 50.0, 190000, 65.5, 0) in rows
    assert ("Alla", "Totalt", 6, 100.0, 290000, 100.0, 2) in rows
    assert ("Region", "Avstyrker", 1, 100.0, 60000, 100.0, 0) in rows
    assert ("Södertörn", "Tillstyrker med ändringar", 1, 50.0, 0, 0.0, 1) in rows
    assert AuditEvent.objects.filter(action="consultation.exported", changes__format="distributions.xlsx").exists()


@pytest.mark.parametrize("who", ["other_coordinator", "respondent"])
def test_others_are_refused(client, analysed, who, request):  # noqa: F811
    client.force_login(request.getfixturevalue(who))
    consultation = analysed["consultation"]
    for name in ("analysis:distributions", "analysis:distributions_xlsx"):
        assert client.get(reverse(name, args=[consultation.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="consultation.exported").exists()


def test_anonymous_visitors_go_to_the_login_page(client, analysed):  # noqa: F811
    response = client.get(reverse("analysis:distributions", args=[analysed["consultation"].pk]))
    assert response.status_code == 302 and "/konto/" in response["Location"]


@pytest.mark.parametrize("count", [10, 100])
def test_the_page_runs_a_fixed_number_of_queries(
    count,
    client,
    coordinator,  # noqa: F811
    make_consultation,  # noqa: F811
    django_assert_max_num_queries,
):
    consultation = make_consultation(open=True)
    _answers(consultation, consultation.questions.get(), count)
    client.force_login(coordinator)
    for name in ("analysis:distributions", "analysis:distributions_xlsx"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse(name, args=[consultation.pk])).status_code == 200


def test_a_consultation_without_answers_shows_zeros(client, coordinator, make_consultation):  # noqa: F811
    consultation = make_consultation(open=True)
    client.force_login(coordinator)
    html = client.get(reverse("analysis:distributions", args=[consultation.pk])).text
    assert "0 organisationer har svarat" in html
    assert "<td>0</td><td>0,0 %</td><td>0</td><td>0,0 %</td><td>0</td>" in html
    response = client.get(reverse("analysis:distributions_xlsx", args=[consultation.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert ("Alla", "Totalt", 0, 0.0, 0, 0.0, 0) in rows
