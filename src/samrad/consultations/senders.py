"""Reading a consultation's senders: their names, their own case numbers (diarienummer) beside the platform's
reference number, their contact people and signatories. Shared by pages, e-mails, exports, the API and the
covering letter, so that every place writes the case numbers the same way."""

from django.utils.translation import gettext as _

from samrad.consultations.models import Consultation, ConsultationSender


def sender_links(consultation: Consultation) -> list[ConsultationSender]:
    """The senders in order, with their organisations. Uses a prefetch of `sender_links__organisation` when the
    caller made one (lists), one query otherwise."""
    prefetched = getattr(consultation, "_prefetched_objects_cache", {}).get("sender_links")
    if prefetched is not None:
        return list(prefetched)
    return list(consultation.sender_links.select_related("organisation").order_by("order", "id"))


def case_number_label(link: ConsultationSender) -> str:
    """ "Region Stockholm dnr RS 2026/0012"; empty when the sender gave no case number."""
    if not link.case_number:
        return ""
    return _("%(name)s case no. %(number)s") % {"name": link.organisation.name, "number": link.case_number}


def case_numbers_text(consultation: Consultation) -> str:
    """Every sender's case number, e.g. "Region Stockholm dnr RS 2026/0012, KSL dnr 2026/45"; empty if none."""
    return ", ".join(label for label in map(case_number_label, sender_links(consultation)) if label)
