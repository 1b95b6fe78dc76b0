"""Dialogue series, meetings and minutes in search: public series for everyone, invited ones for the invited
organisations and the organisers' coordinators, minutes only once published."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from samrad.dialogue.models import DialogueSeries, Meeting, Minutes, SeriesInvitation
from samrad.library.indexing import search_sync
from samrad.library.search import search

pytestmark = pytest.mark.django_db


def found(user, query):
    return sorted((h.entry.kind, h.entry.title) for h in search(user=user, query=query).hits)


@pytest.fixture
def series(region, nacka):
    series = DialogueSeries.objects.create(
        title="Dialog om regionbildningen", purpose="Samtal med kommunerna om en ny region."
    )
    series.organisers.add(region)
    SeriesInvitation.objects.create(series=series, organisation=nacka)
    starts = timezone.now() + dt.timedelta(days=30)
    meeting = Meeting.objects.create(
        series=series,
        title="Dialogmöte om förvaltningen",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        registration_deadline=starts - dt.timedelta(days=2),
        agenda="<p>Förvaltningens organisation</p><ul><li>Sjukvården</li></ul>",
        place="Kommunhuset",
    )
    Minutes.objects.create(meeting=meeting, body="<p>Sjukvårdens finansiering diskuterades.</p>")
    search_sync()
    return series


def test_an_invited_series_is_found_by_the_invited_and_the_organisers(
    series, nacka_person, solna_person, coordinator, other_coordinator
):
    expected = [("dialogue", "Dialog om regionbildningen")]
    assert found(nacka_person, "regionbildning") == expected
    assert found(coordinator, "regionbildning") == expected
    assert found(AnonymousUser(), "regionbildning") == []
    assert found(solna_person, "regionbildning") == []
    assert found(other_coordinator, "regionbildning") == []
    # The agenda's HTML is searched as text.
    assert found(nacka_person, "sjukvården") == [("meeting", "Dialogmöte om förvaltningen")]


def test_minutes_are_found_by_readers_once_published(series, nacka_person, coordinator):
    assert found(nacka_person, "finansieringen") == []
    assert found(coordinator, "finansieringen") == [("minutes", "Dialogmöte om förvaltningen")]
    minutes = Minutes.objects.get()
    minutes.published_at = timezone.now()
    minutes.save()
    search_sync(now=timezone.now() + dt.timedelta(minutes=2))
    assert found(nacka_person, "finansieringen") == [("minutes", "Dialogmöte om förvaltningen")]


def test_a_public_series_is_found_by_everyone(series):
    DialogueSeries.objects.filter(pk=series.pk).update(
        visibility=DialogueSeries.Visibility.PUBLIC, updated_at=timezone.now()
    )
    search_sync(now=timezone.now() + dt.timedelta(minutes=2))
    assert found(AnonymousUser(), "regionbildningen förvaltningen or samtal") == [
        ("dialogue", "Dialog om regionbildningen")
    ]
    assert found(AnonymousUser(), "kommunhuset") == [("meeting", "Dialogmöte om förvaltningen")]
