"""Every label the API returns has its Swedish translation: the machine values (statuses, kinds) stay English
identifiers, their labels (`*_label`) speak the request's language, Swedish by default."""

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from samrad.api.consultations import _status_label
from samrad.consultations.models import Consultation
from samrad.consultations.selectors import STATUS_LABELS
from samrad.library.models import LibraryDocument, SearchEntry
from samrad.organisations.models import Organisation

LABELLED = {
    "OrganisationOut.kind_label": Organisation.Kind.choices,
    "ConsultationOut.status_label": Consultation.Status.choices,
    "ReferralOut.status_label": list(STATUS_LABELS.items()),
    "LibraryDocumentOut.kind_label": LibraryDocument.Kind.choices,
    "SearchHitOut.kind_label": SearchEntry.Kind.choices,
}


def swedish_catalogue():
    return trans_real.translation("sv")._catalog


@pytest.mark.parametrize("field", sorted(LABELLED))
def test_every_label_has_a_swedish_translation(field):
    catalogue = swedish_catalogue()
    with translation.override("en"):
        missing = [str(label) for _value, label in LABELLED[field] if str(label) not in catalogue]
    assert missing == []


def test_not_answered_is_translated_in_its_context():
    assert "referral status\x04not answered" in swedish_catalogue()
    with translation.override("sv"):
        assert _status_label("not_answered") == "inget svar"
        assert _status_label("submitted") == "svar inlämnat"
