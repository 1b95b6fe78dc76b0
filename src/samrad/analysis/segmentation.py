"""Splitting a Swedish text into sentences, and finding the decision part of a protocol.

Plain Python (no Django). A sentence ends at ".", "!" or "?" followed by space and a capital letter or digit,
or at a line break; common Swedish abbreviations ("t.ex.", "bl.a.", "m.m.", "dnr.") do not end a sentence.
A protocol's decision is the heading "Beslut" (or "Nämndens beslut", "Ställningstagande", "Kommunens
ställningstagande"; "Förslag till beslut" and the office's "Förvaltningens ställningstagande" are *not* one) and
every sentence that says a body decides ("... beslutar att ...", "Nämnden beslutade ...").
"""

import re
from dataclasses import dataclass

ABBREVIATIONS = (
    "t.ex.",
    "bl.a.",
    "m.m.",
    "s.k.",
    "d.v.s.",
    "dvs.",
    "t.o.m.",
    "fr.o.m.",
    "o.s.v.",
    "osv.",
    "m.fl.",
    "p.g.a.",
    "pga.",
    "resp.",
    "ang.",
    "jfr.",
    "kap.",
    "nr.",
    "dnr.",
    "ca.",
    "st.",
    "prop.",
    "sek.",
)
_KNOWN = frozenset(ABBREVIATIONS)
# Anything shaped like an abbreviation ("bl.a.", "dnr."); kept only when it is a known one.
_ABBREVIATION = re.compile(r"(?<![\w.])[^\W\d_]{1,5}\.(?:[^\W\d_]{1,4}\.)*", re.I)
_PLACEHOLDER = "\u2024"  # one dot leader: stands for a dot inside an abbreviation while splitting
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'”»(]?[A-ZÅÄÖ0-9§])")
_LIST_ITEM = re.compile(r"^\s*(?:[-–•*]|\d+[.)])\s+")

# Headings after which the text is the decision, and before which it is not (a new heading ends it).
# "Beslut", "Regionstyrelsens beslut", "Kommunens ställningstagande", "Sammanfattande ställningstagande"; not the
# office's ("Förvaltningens ställningstagande" is a proposal) and not "Förslag till beslut".
DECISION_HEADINGS = re.compile(
    r"^\s*(?!(förvaltningens|kontorets|tjänstemannens|förvaltningarnas)\b)(\w+s\s+|sammanfattande\s+)?"
    r"(beslut|ställningstagande)\s*:?\s*$",
    re.I,
)
OTHER_HEADING = re.compile(r"^\s*[A-ZÅÄÖ][\wåäöÅÄÖ ,-]{2,60}\s*:?\s*$")
# A sentence that states a decision by a body (not a proposal for one).
DECISION_SENTENCE = re.compile(
    r"\b(beslutar|beslutade|beslöt|har beslutat|har i dag beslutat|beslutas)\b(?![^.]*\bföreslå\b[^.]*\bbeslut)",
    re.I,
)


def _protect(match: re.Match[str]) -> str:
    found = match.group(0)
    return found.replace(".", _PLACEHOLDER) if found.lower() in _KNOWN else found


@dataclass(frozen=True)
class Sentence:
    text: str
    index: int
    in_decision: bool  # under a "Beslut" heading, or itself a decision ("... beslutar att ...")


# A line that is wrapped rather than ended: long, and not ending in a sentence's or a heading's punctuation.
WRAP_MIN_CHARS = 40


def logical_lines(text: str) -> list[str]:
    """The lines of `text` with the line breaks of wrapped text (a PDF's lines, a hard-wrapped e-mail) undone: a
    line is joined to the next when it does not end a sentence (".", "!", "?", ":", ";") and either is long
    (WRAP_MIN_CHARS) or the next line starts in lower case; a word hyphenated at the break is joined whole. Blank
    lines, headings and list items stay where they are."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    joining = False
    for index, line in enumerate(lines):
        if not line:
            out.append("")
            joining = False
            continue
        if joining and not _LIST_ITEM.match(line):
            previous = out[-1]
            if previous.endswith("-") and line[:1].islower():
                out[-1] = previous[:-1] + line
            else:
                out[-1] = previous + " " + line
        else:
            out.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        joining = (
            bool(following)
            and not out[-1].endswith((".", "!", "?", ":", ";"))
            and not DECISION_HEADINGS.match(out[-1])
            and (len(line) >= WRAP_MIN_CHARS or following[:1].islower())
        )
    return out


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text`, in order, each marked as part of a decision or not."""
    out: list[Sentence] = []
    under_decision = False
    for raw_line in logical_lines(text):
        line = raw_line.strip()
        if not line:
            continue
        if DECISION_HEADINGS.match(line):
            under_decision = True
            continue
        if OTHER_HEADING.match(line) and not line.endswith((".", "!", "?", ":")) and len(line.split()) <= 6:
            # A heading ends the decision part; it is read too (a heading may itself say something).
            under_decision = False
        line = _LIST_ITEM.sub("", line)
        protected = _ABBREVIATION.sub(_protect, line)
        for part in _SENTENCE_END.split(protected):
            part = part.replace(_PLACEHOLDER, ".").strip()
            if not part:
                continue
            decided = under_decision or bool(DECISION_SENTENCE.search(part))
            out.append(Sentence(text=part, index=len(out), in_decision=decided))
    return out
