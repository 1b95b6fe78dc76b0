"""The shared date field: days outside the platform's range are refused with one Swedish message."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin


class MeetingDayForm(DesignSystemFormMixin, forms.Form):
    day = BoundedDateField(label="Dag")
    published = BoundedDateField(label="Publicerad", required=False, earliest=dt.date(1900, 1, 1))


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_day_outside_2000_to_2100_is_refused_in_swedish(day):
    form = MeetingDayForm({"day": day})
    assert not form.is_valid()
    assert form.errors["day"] == ["Välj ett datum mellan 1 januari 2000 och 31 december 2100."]


@pytest.mark.parametrize("day", ["2000-01-01", "2026-12-04", "2100-12-31"])
def test_a_day_in_the_range_is_accepted(day):
    form = MeetingDayForm({"day": day})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date.fromisoformat(day)


def test_a_field_can_widen_the_range_and_the_date_picker_knows_it():
    form = MeetingDayForm({"day": "2026-12-04", "published": "1950-05-01"})
    assert form.is_valid(), form.errors
    html = str(form["day"]) + str(form["published"])
    assert 'type="date"' in html
    assert 'min="2000-01-01"' in html and 'min="1900-01-01"' in html and html.count('max="2100-12-31"') == 2
