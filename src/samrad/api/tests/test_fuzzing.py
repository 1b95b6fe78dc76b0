"""schemathesis holds every operation of the API to its published OpenAPI document, with all of its checks.

The fuzzer loads /api/v1/openapi.json from the WSGI application and calls every operation through it, on the
demo content (the register, an open consultation with bodies in every referral status, a dialogue series, the
knowledge base, the search index) and, from KSL too, a closed consultation (whose referral list is public) and a
draft; once without a login and once as the demo's KSL coordinator, who runs all three and so sees the drafts
and the full referral lists. Each call
is checked with every check schemathesis has: no server error, documented status codes, content types, headers
and response bodies (with formats), schema-valid requests accepted, schema-violating requests refused, the
operations' methods and the rest. The checks that need operations to create or delete resources (use after
free, resource availability) or security schemes (ignored auth) stay enabled and have nothing to act on: the
API only reads and needs no credentials.

Deterministic and bounded: Hypothesis runs derandomized from a fixed seed with a budget of examples per
operation, and no example database carries failures from one run to the next.
"""

import itertools

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from schemathesis import GenerationMode

from samrad.accounts.models import User
from samrad.consultations.models import Consultation, Referral
from samrad.consultations.tests.factories import ConsultationFactory, ReferralFactory
from samrad.core.demo import demo_load
from samrad.dialogue.models import DialogueSeries
from samrad.library.indexing import search_reindex
from samrad.library.models import LibraryDocument
from samrad.organisations.models import Organisation

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 80

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261204,
        "generation": {
            "mode": "all",  # schema-valid requests and schema-violating ones
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "checks": {"enabled": True},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)

# Ids of the demo's objects by path parameter, filled in once the demo is loaded.
KNOWN_IDS: dict[str, list[int]] = {}


@schema.hook
def map_case(context, case):
    """Random ids almost never name an object, so half of the schema-valid ids (the even ones) are turned into
    ids that exist: the 200 answers are checked as well as the 404s. Schema-violating ids are left alone."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return case
    for name, value in (case.path_parameters or {}).items():
        known = KNOWN_IDS.get(name)
        if known and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = known[(value // 2) % len(known)]
    return case


def _closed_and_draft_consultations() -> None:
    ksl = Organisation.objects.get(short_name="KSL")
    closed = ConsultationFactory.create(closed=True, senders=[ksl], title="Avslutad remiss om kollektivtrafiken")
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name")
    for organisation, status in zip(municipalities, itertools.cycle(Referral.Status), strict=False):
        ReferralFactory.create(consultation=closed, organisation=organisation, status=status, invited=True)
    ConsultationFactory.create(senders=[ksl], title="Utkast till remiss om bredband")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content, loaded once for the module in a transaction that is rolled back at its end. Requests go
    through the WSGI handler, which closes the database connection after each one unless told not to (as
    Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            demo_load()
            _closed_and_draft_consultations()
            search_reindex()
            KNOWN_IDS.update(
                organisation_id=list(Organisation.objects.values_list("pk", flat=True)),
                consultation_id=list(Consultation.objects.values_list("pk", flat=True)),
                series_id=list(DialogueSeries.objects.values_list("pk", flat=True)),
                document_id=list(LibraryDocument.objects.values_list("pk", flat=True)),
            )
            yield
            transaction.set_rollback(True)
    finally:
        KNOWN_IDS.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", params=["anonymous", "coordinator"])
def caller(request, demo, django_db_blocker):
    """The cookies of each kind of caller: none, or the session of the demo's KSL coordinator."""
    if request.param == "anonymous":
        return {}
    client = Client()
    with django_db_blocker.unblock():
        client.force_login(User.objects.get(email="karin.lindqvist@ksl.example"))
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@schema.parametrize()
def test_every_operation_keeps_to_its_published_schema(case, caller):
    case.call_and_validate(cookies=caller)
