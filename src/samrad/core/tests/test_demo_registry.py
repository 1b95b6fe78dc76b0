"""The demo is like reality: most municipalities are known only by their registry address, and the printed links
include one for a registry, which leads (after the confirm step) to the page for passing the consultation on."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from samrad.accounts.models import Membership
from samrad.consultations.models import Consultation
from samrad.core.demo import demo_load
from samrad.organisations.models import Organisation
from samrad.organisations.selectors import kind_filter

pytestmark = pytest.mark.django_db


def test_most_municipalities_have_only_a_registry_and_the_demo_prints_a_registry_link(client):
    links = demo_load()

    county = Organisation.objects.filter(kind_filter(Organisation.Kind.MUNICIPALITY), county__code="01")
    with_people = county.filter(memberships__role__in=["coordinator", "respondent"]).distinct().count()
    assert county.count() == 26 and with_people < 13  # most have nobody but their registry
    assert all(body.registry_email for body in county)

    [(label, link)] = [(label, link) for label, link in links if label.startswith("Registry only")]
    sundbyberg = Organisation.objects.get(municipality_code="0183")
    assert sundbyberg.registry_email in label
    assert not Membership.objects.filter(organisation=sundbyberg).exclude(role=Membership.Role.REGISTRY).exists()

    confirm = client.get(link)  # a mail scanner's GET only shows the confirm button
    assert confirm.status_code == 200 and "_auth_user_id" not in client.session
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.text))
    assert "grant" in form  # valid until the deadline, not for 24 hours
    consultation = Consultation.objects.get(status=Consultation.Status.OPEN)
    landed = client.post(urlsplit(link).path, form, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("consultations:pass_on", args=[consultation.pk, sundbyberg.pk])
    assert landed.status_code == 200
