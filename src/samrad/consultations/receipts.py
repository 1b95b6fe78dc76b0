"""Receipt numbers for submitted answers.

A receipt number reads as what it is: the consultation's reference number, the answering organisation, the
version, and a short random part so that a number cannot be guessed from another one, e.g.
"SAM-2026-0007-314-2-K7QD" (reference SAM 2026/0007, organisation 314, second version). Only capitals, digits
and hyphens, so it survives being read out on the phone, typed into a search box and put in a URL.
"""

import re
import secrets

# No 0/O, 1/I/L: easy to read aloud and copy by hand.
RANDOM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 4
MAX_LENGTH = 50  # Submission.receipt_number
_REFERENCE_ROOM = MAX_LENGTH - 20  # leaves room for "-<org>-<n>-<random>"

RECEIPT_NUMBER_PATTERN = r"[A-Z0-9][A-Z0-9-]{0,49}"


def normalise_reference(reference_number: str) -> str:
    """ "SAM 2026/0007" -> "SAM-2026-0007": capitals and digits, every other run of characters one hyphen."""
    cleaned = re.sub(r"[^A-Z0-9]+", "-", reference_number.upper()).strip("-")
    return cleaned[:_REFERENCE_ROOM].rstrip("-") or "SVAR"


def receipt_number_new(*, reference_number: str, respondent_key: str, number: int) -> str:
    """A new receipt number. `respondent_key` is the organisation's id, or "R<response id>" for a respondent
    without an organisation."""
    random_part = "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_LENGTH))
    key = re.sub(r"[^A-Z0-9]+", "", respondent_key.upper())[:10] or "X"
    return f"{normalise_reference(reference_number)}-{key}-{number}-{random_part}"[:MAX_LENGTH]
