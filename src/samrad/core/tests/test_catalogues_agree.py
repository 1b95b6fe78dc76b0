"""The project-level Swedish catalogue (LOCALE_PATHS) takes precedence over every app's: a message it translates
differently from an app silently changes that app's pages (it once turned the exports' "finns inte i registret"
into "inte i registret"). One message, one Swedish text."""

import gettext
from pathlib import Path

from django.conf import settings

SRC = Path(settings.BASE_DIR)  # src/samrad


def _catalogue(mo: Path) -> dict[str, str]:
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in catalogue.items() if isinstance(key, str) and key and value}


def test_the_project_catalogue_agrees_with_every_app_catalogue():
    project = _catalogue(SRC / "locale" / "sv" / "LC_MESSAGES" / "django.mo")
    clashes = []
    for mo in sorted(SRC.glob("*/locale/sv/LC_MESSAGES/django.mo")):
        app = _catalogue(mo)
        for key in sorted(project.keys() & app.keys()):
            if project[key] != app[key]:
                clashes.append(f"{mo.parts[-5]}: {key!r}: project {project[key]!r}, app {app[key]!r}")
    assert not clashes, "\n".join(clashes)
