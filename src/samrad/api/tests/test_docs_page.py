"""The API docs page (/api/v1/docs) comes from the site's static files, with no inline script.

The browser test tests/e2e/test_api_docs.py runs it under a strict content security policy and axe."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_ui_from_the_sites_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources and "/static/ninja/swagger-ui.css" in sources
    assert all(source.startswith("/static/") for source in sources), sources
    for path in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css", "api/docs.js"):
        assert finders.find(path), path


def test_the_docs_page_has_no_inline_script_or_style(client):
    html = client.get("/api/v1/docs").content.decode()
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert "<style" not in html and " style=" not in html
    assert re.search(r"<[^>]+\son[a-z]+=", html) is None  # no event handler attributes
