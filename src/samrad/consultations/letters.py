"""The covering letter (missiv): a plain text that every sender signs through its signatory, with each sender's
contact person for questions. It is shown on the consultation's page, sent in the invitation and served as a
tagged PDF/A document.

The letter is written while the consultation is a draft. Once it has gone out (open or closed) a change is a
correction: it is recorded (`letter_corrected_at`, shown with the letter) and audited as such. After the
consultation is compiled the letter is part of the record and no longer changes.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Consultation, ConsultationSender
from samrad.consultations.senders import sender_links
from samrad.documents.pdf import render_pdf
from samrad.errors import InvalidInput, NotAllowedNow

LETTER_MAX_LENGTH = 20_000
LETTER_EDITABLE = {Consultation.Status.DRAFT}
LETTER_CORRECTABLE = {Consultation.Status.OPEN, Consultation.Status.CLOSED}


def letter_can_change(consultation: Consultation) -> bool:
    return consultation.status in LETTER_EDITABLE | LETTER_CORRECTABLE


def letter_change_is_correction(consultation: Consultation) -> bool:
    return consultation.status in LETTER_CORRECTABLE


def consultation_letter_set(*, actor: Actor, consultation: Consultation, letter: str) -> Consultation:
    """Write the covering letter of a draft, or correct the letter of an open or closed consultation."""
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    text = "\n".join(line.rstrip() for line in letter.replace("\r\n", "\n").strip().split("\n"))
    if len(text) > LETTER_MAX_LENGTH:
        raise InvalidInput(
            _("The covering letter can be at most %(limit)d characters.") % {"limit": LETTER_MAX_LENGTH},
            field="letter",
        )
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if not letter_can_change(locked):
            raise NotAllowedNow(
                _("The covering letter cannot be changed while the consultation is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        if text == locked.letter:
            return locked
        before = locked.letter
        locked.letter = text
        correction = letter_change_is_correction(locked)
        if correction:
            locked.letter_corrected_at = timezone.now()
        locked.save(update_fields=["letter", "letter_corrected_at", "updated_at"])
        audit_record(
            actor=actor,
            action="consultation.letter_corrected" if correction else "consultation.letter_changed",
            target=locked,
            changes={"letter": [before, text]},
        )
    consultation.refresh_from_db()
    return consultation


@dataclass(frozen=True)
class Letter:
    """What the letter page, the invitation and the PDF show: the text, who signs, whom to ask."""

    consultation: Consultation
    text: str
    senders: list[ConsultationSender]
    corrected_at: dt.datetime | None

    @property
    def signatories(self) -> list[ConsultationSender]:
        return [link for link in self.senders if link.signatory_name]

    @property
    def contacts(self) -> list[ConsultationSender]:
        return [link for link in self.senders if link.contact_name or link.contact_email or link.contact_phone]


def letter_for(consultation: Consultation) -> Letter:
    return Letter(
        consultation=consultation,
        text=consultation.letter,
        senders=sender_links(consultation),
        corrected_at=consultation.letter_corrected_at,
    )


def letter_pdf(consultation: Consultation, *, language: str | None = None) -> bytes:
    """The covering letter as a tagged PDF/A document."""
    title = _("Covering letter %(reference)s") % {"reference": consultation.reference_number}
    return render_pdf(
        "consultations/documents/letter.html",
        {"letter": letter_for(consultation), "consultation": consultation},
        title=title,
        language=language,
    )
