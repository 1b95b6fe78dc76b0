"""The published OpenAPI document (/api/v1/openapi.json) is valid OpenAPI 3.1 and says what the API does."""

import json
from enum import StrEnum

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from samrad.api.answers import AnswerChannel, AnswerStance, StanceSource
from samrad.api.consultations import ConsultationStatus, QuestionKind, ReferralStatus
from samrad.api.dialogue import MeetingStatus, SeriesVisibility
from samrad.api.library import LibraryDocumentKind, LibraryDocumentVisibility, TextState
from samrad.api.organisations import DivisionStatus, GroupKind, OrganisationKind
from samrad.api.search import SearchHitKind
from samrad.consultations.models import Consultation, Question, Response, Stance, SubmissionStance
from samrad.consultations.selectors import DASHBOARD_STATUSES
from samrad.dialogue.models import DialogueSeries, Meeting
from samrad.documents.models import StoredFile
from samrad.library.models import LibraryDocument, SearchEntry
from samrad.organisations.models import Division, Group, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_document_is_valid_openapi_3_1(document):
    errors = [
        f"{list(error.absolute_path)}: {error.message}" for error in OpenAPIV31SpecValidator(document).iter_errors()
    ]
    assert errors == []


def test_every_enum_has_a_component_of_its_own_with_all_its_values(document):
    """Enums of the same class name (Kind, Status) used to collapse into one component, the last one written."""
    schemas = document["components"]["schemas"]
    expected = {
        "OrganisationKind": OrganisationKind,
        "GroupKind": GroupKind,
        "DivisionStatus": DivisionStatus,
        "ConsultationStatus": ConsultationStatus,
        "QuestionKind": QuestionKind,
        "ReferralStatus": ReferralStatus,
        "SeriesVisibility": SeriesVisibility,
        "MeetingStatus": MeetingStatus,
        "LibraryDocumentKind": LibraryDocumentKind,
        "LibraryDocumentVisibility": LibraryDocumentVisibility,
        "TextState": TextState,
        "SearchHitKind": SearchHitKind,
        "AnswerStance": AnswerStance,
        "StanceSource": StanceSource,
        "AnswerChannel": AnswerChannel,
        "ErrorCode": None,
    }
    enums = {name: schema["enum"] for name, schema in schemas.items() if "enum" in schema}
    assert set(enums) == set(expected)
    for name, enum in expected.items():
        if enum is not None:
            assert enums[name] == [member.value for member in enum], name
    assert "Kind" not in schemas and "Status" not in schemas


@pytest.mark.parametrize(
    ("api_enum", "model_values"),
    [
        (OrganisationKind, Organisation.Kind.values),
        (GroupKind, Group.Kind.values),
        (DivisionStatus, Division.Status.values),
        (ConsultationStatus, Consultation.Status.values),
        (QuestionKind, Question.Kind.values),
        (ReferralStatus, [status for status, _label in DASHBOARD_STATUSES] + ["not_answered"]),
        (SeriesVisibility, DialogueSeries.Visibility.values),
        (MeetingStatus, Meeting.Status.values),
        (LibraryDocumentKind, LibraryDocument.Kind.values),
        (LibraryDocumentVisibility, LibraryDocument.Visibility.values),
        (TextState, StoredFile.TextState.values),
        (SearchHitKind, SearchEntry.Kind.values),
        (AnswerStance, Stance.values),
        (StanceSource, SubmissionStance.Source.values),
        (AnswerChannel, Response.Channel.values),
    ],
)
def test_each_api_enum_has_exactly_the_values_of_its_model(api_enum: type[StrEnum], model_values):
    assert [member.value for member in api_enum] == list(model_values)


def test_the_consultation_status_filter_documents_the_consultation_phases(client, document):
    """?status=scheduled was documented (a meeting's status) and answered 400."""
    [status] = [p for p in document["paths"]["/api/v1/consultations"]["get"]["parameters"] if p["name"] == "status"]
    assert status["schema"] == {"$ref": "#/components/schemas/ConsultationStatus", "description": status["description"]}
    for value in document["components"]["schemas"]["ConsultationStatus"]["enum"]:
        assert client.get("/api/v1/consultations", {"status": value}).status_code == 200
    assert client.get("/api/v1/consultations", {"status": "scheduled"}).status_code == 400


def test_every_error_an_operation_answers_is_documented_in_the_error_format(document):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for label, operation in operations(document):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        # Any request may carry more query parameters than Django accepts: 400 everywhere.
        assert responses["400"]["content"] == error, label
        if any(parameter["in"] == "path" for parameter in parameters):
            assert responses["404"]["content"] == error, label
    referrals = document["paths"]["/api/v1/consultations/{consultation_id}/referrals"]["get"]["responses"]
    assert referrals["403"]["content"] == error
    for path in (
        "/api/v1/consultations/{consultation_id}/answers",
        "/api/v1/consultations/{consultation_id}/answers/{receipt_number}",
    ):
        answers = document["paths"][path]["get"]["responses"]
        assert answers["401"]["content"] == error and answers["403"]["content"] == error


def test_parameters_are_never_json_null_and_their_examples_are_a_map(document):
    for label, operation in operations(document):
        for parameter in operation.get("parameters", []):
            assert {"type": "null"} not in parameter["schema"].get("anyOf", []), (label, parameter["name"])
            assert isinstance(parameter.get("examples", {}), dict), (label, parameter["name"])
