"""Found in review: a crafted feed token must be "not found", never a server error; taking an organisation off
a series must reach the search index (its people stop finding the series and its meetings)."""

import pytest
from django.test import Client
from django.urls import reverse

from samrad.dialogue import services
from samrad.dialogue.models import DialogueSeries

pytestmark = pytest.mark.django_db


def test_a_token_with_non_ascii_digits_is_not_found(series):
    client = Client(raise_request_exception=False)
    assert client.get(reverse("dialogue:feed_token", args=[series.pk, "²-abc"])).status_code == 404


def test_uninviting_marks_the_series_changed_for_the_search_index(series, coordinator, huddinge):
    before = DialogueSeries.objects.get(pk=series.pk).updated_at
    services.series_uninvite(actor=coordinator, series=series, organisation=huddinge)
    assert DialogueSeries.objects.get(pk=series.pk).updated_at > before
