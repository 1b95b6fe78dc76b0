"""`{{ minutes.body|richtext }}`: stored rich text, cleaned again on the way out and only then marked safe."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from samrad.dialogue.richtext import richtext_clean

register = template.Library()


@register.filter
def richtext(value: str | None) -> SafeString:
    return mark_safe(richtext_clean(value or ""))  # noqa: S308 - nh3 has just removed everything that could run
