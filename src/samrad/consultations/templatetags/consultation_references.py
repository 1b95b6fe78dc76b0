"""The senders' own case numbers beside the platform's reference number, for pages and e-mail subjects."""

from django import template

from samrad.consultations.models import Consultation
from samrad.consultations.senders import case_numbers_text

register = template.Library()


@register.simple_tag
def consultation_case_numbers(consultation: Consultation) -> str:
    """ "Region Stockholm dnr RS 2026/0012, KSL dnr 2026/45"; empty when no sender gave one."""
    return case_numbers_text(consultation)
