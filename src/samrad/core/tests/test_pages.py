import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_swedish_by_default(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert "Samråd" in html
    assert "Logga in" in html


def test_english_is_available(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en"' in html
    assert "Log in" in html


def test_health_answers_when_the_database_does(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_static_design_system_is_linked(client):
    html = client.get(reverse("core:home")).content.decode()
    assert "vendor/designsystemet/src/index.css" in html
    assert "vendor/htmx/htmx.min.js" in html


def test_an_english_browser_still_gets_swedish_until_the_person_chooses(client):
    html = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv"' in html


def test_home_lists_open_consultations_but_never_drafts(client):
    from samrad.consultations.tests.factories import ConsultationFactory

    ConsultationFactory.create(open=True, title="Remiss om kollektivtrafiken")
    ConsultationFactory.create(title="Hemligt utkast")
    html = client.get(reverse("core:home")).content.decode()
    assert "Remiss om kollektivtrafiken" in html
    assert "Hemligt utkast" not in html
    assert "Öppna för svar" in html


def test_home_shows_a_persons_coming_meetings(client):
    from samrad.accounts.tests.factories import UserFactory

    client.force_login(UserFactory.create())
    html = client.get(reverse("core:home")).content.decode()
    assert "Du är inte anmäld till något kommande möte." in html
