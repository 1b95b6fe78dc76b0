"""The parts of a Swedish letter or protocol extract that are form, not content: letterhead, case numbers, contact
details, headings, page numbers, the minutes' attestation and signatures. Left in, they make themes of their own
("Dnr, regionalt utvecklingsansvar", "Protokollet, sekreterare") and make every letter from the same registry look
alike; so the theme pipeline reads an answer's text without them (`without_boilerplate`).

What is dropped, line by line:
- lines that start with a form field: Dnr, Diarienummer, Ärendenummer, Vår/Er beteckning or referens, Datum,
  Postadress, Besöksadress, Telefon, Tel, Växel, Fax, E-post, Webb, Org.nr, Organisationsnummer, Bankgiro,
  Plusgiro, Protokollsutdrag, Utdragsbestyrkande, Justeras, Justerare, Justerandes signatur, Vid protokollet,
  Med vänlig(a) hälsning(ar), Bilaga/Bilagor, Sida N (av M), "N (M)";
- a line that is only a web address, an e-mail address or a date;
- a signature: a short line (at most eight words) ending in a role (ordförande, sekreterare, kommundirektör, …);
- a heading: a paragraph of one line, at most twelve words, without a sentence's final punctuation (the letter's
  title, the organisation's name), and the short unpunctuated lines (at most six words) that open a paragraph
  above its text ("Beslut", "Skäl för beslutet"); a list item (a dash, a bullet, "1.") is never a heading.

Everything else is kept as it was, paragraphs and all. Deterministic and cheap (a few regular expressions per
line).
"""

import re

_FIELDS = (
    r"dnr|diarienummer|ärendenummer|ärende\s*nr|(?:vår|er)\s+(?:beteckning|referens)|datum|postadress|besöksadress|"
    r"telefon|tel\.?|växel|fax|e-post|e-mail|epost|webb(?:plats)?|hemsida|org\.?\s*nr|organisationsnummer|"
    r"bankgiro|plusgiro|protokollsutdrag|utdragsbestyrkande|justeras|justerare|justerandes\s+signatur|"
    r"vid\s+protokollet|med\s+vänlig(?:a)?\s+hälsning(?:ar)?|vänliga\s+hälsningar|bilagor?|sida\s+\d+"
)
_FIELD = re.compile(rf"^\s*(?:{_FIELDS})(?:\b|(?=[\s:.,]))", re.IGNORECASE)
_ONLY = re.compile(
    r"^\s*(?:(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d{4}-\d{2}-\d{2}|\d+\s*\(\d+\)|§\s*\d+)\s*$",
    re.IGNORECASE,
)
_ROLES = (
    r"ordförande|vice\s+ordförande|sekreterare|nämndsekreterare|kommunsekreterare|kommundirektör|stadsdirektör|"
    r"regiondirektör|förvaltningschef|kommunchef|handläggare|utredare|registrator|direktör|generaldirektör|"
    r"avdelningschef|enhetschef|styrelsen|kanslichef"
)
_SIGNATURE = re.compile(rf"(?:^|[\s,])(?:{_ROLES})\s*$", re.IGNORECASE)
_FINAL = re.compile(r"[.!?:;…]\s*$")
_PARAGRAPH = re.compile(r"\n\s*\n")

SIGNATURE_MAX_WORDS = 8
HEADING_MAX_WORDS = 12
LEAD_HEADING_MAX_WORDS = 6
_BULLET = re.compile(r"^(?:[-–•*]|\d+[.)])\s")


def is_form_line(line: str) -> bool:
    """Whether one line is letterhead, a form field, a page number, an attestation or a signature."""
    text = line.strip()
    if not text:
        return False
    if _FIELD.match(text) or _ONLY.match(text):
        return True
    return len(text.split()) <= SIGNATURE_MAX_WORDS and bool(_SIGNATURE.search(text))


def _heading(line: str, max_words: int) -> bool:
    text = line.strip()
    return len(text.split()) <= max_words and not _FINAL.search(text) and not _BULLET.match(text)


def without_boilerplate(text: str) -> str:
    """`text` without its form lines and headings (see the module); paragraphs kept apart by blank lines."""
    kept_paragraphs = []
    for paragraph in _PARAGRAPH.split(text):
        lines = [line for line in paragraph.splitlines() if line.strip() and not is_form_line(line)]
        while len(lines) > 1 and _heading(lines[0], LEAD_HEADING_MAX_WORDS):
            lines = lines[1:]  # "Beslut", "Skäl för beslutet" above the paragraph's text
        if not lines or (len(lines) == 1 and _heading(lines[0], HEADING_MAX_WORDS)):
            continue  # a heading on its own
        kept_paragraphs.append("\n".join(lines))
    return "\n\n".join(kept_paragraphs)
