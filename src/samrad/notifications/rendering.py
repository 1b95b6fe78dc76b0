"""E-mail from templates: a subject, a plain-text body and an optional HTML body, rendered in one language.

For a message called "consultations/email/invitation" an app provides, in its templates folder:

- `consultations/email/invitation_subject.txt`  one line (whitespace is collapsed);
- `consultations/email/invitation.txt`          extends "notifications/email/base.txt", fills `{% block content %}`;
- `consultations/email/invitation.html`         optional; extends "notifications/email/base.html", fills
                                                `{% block content %}` (and `{% block preheader %}`, a summary line).

Subject and text are rendered with autoescaping off (they are plain text); HTML is escaped as usual. Every
template gets `site_url` (settings.SITE_URL) besides the caller's context. Write the source strings in English
with {% translate %}; the Swedish comes from the app's catalogue, so `language="sv"` gives Swedish e-mail.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict[str, Any], *, language: str = "sv") -> RenderedEmail:
    engine = Engine.get_default()
    values = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        subject = engine.get_template(f"{template}_subject.txt").render(Context(values, autoescape=False))
        text = engine.get_template(f"{template}.txt").render(Context(values, autoescape=False))
        try:
            html_template = engine.get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html = ""
        else:
            html = html_template.render(Context(values))
    return RenderedEmail(subject=" ".join(subject.split()), text=_tidy(text), html=html.strip())


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind: keep at most one empty line in a row, no trailing spaces (except
    in the signature separator "-- ")."""
    lines = [line if line == "-- " else line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
