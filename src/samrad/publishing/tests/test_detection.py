"""What the detector finds in Swedish text, kind by kind, and what it leaves alone (organisations, places, public
bodies' own contact details and officials). Phone numbers are from the ranges the Swedish Post and Telecom
Authority keeps for fiction; identity numbers are made up with a correct (or, where said, a wrong) check digit."""

import pytest

from samrad.publishing.detection import Kind, Respondent, detect
from samrad.publishing.names import names_index


def found(text, respondent=Respondent.PRIVATE):
    return [(span.kind, span.text) for span in detect(text, respondent=respondent)]


def test_the_swedish_names_are_read_from_names_dataset():
    names = names_index()
    assert names.source.startswith("names-dataset ")
    assert names.first_rank("Anna") == 1
    assert names.last_rank("Andersson") == 1
    # Names common in many countries carry no rank in Sweden in names-dataset but are taken from other lists.
    for first in ("Sofia", "Omar", "Ingrid", "Tomas"):
        assert names.first_rank(first) is not None, first
    assert len(names.first) > 20_000 and len(names.last) > 30_000


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("810314-1233", Kind.PERSONNUMMER),
        ("8103141233", Kind.PERSONNUMMER),
        ("19810314-1233", Kind.PERSONNUMMER),
        ("198103141233", Kind.PERSONNUMMER),
        ("450530+2242", Kind.PERSONNUMMER),  # 100 years or older
        ("640862-1180", Kind.SAMORDNINGSNUMMER),  # day 62: born on the 2nd
        ("19870774-6635", Kind.SAMORDNINGSNUMMER),
    ],
)
def test_identity_numbers_in_every_written_form_with_the_check_digit(number, kind):
    spans = detect(f"Mitt nummer är {number}, tack.")
    assert [(s.kind, s.text) for s in spans] == [(kind, number)]
    assert spans[0].confidence >= 0.9


def test_a_mistyped_identity_number_is_still_proposed_with_a_low_confidence():
    (span,) = detect("Personnummer 810314-1234 (fel kontrollsiffra).")
    assert (span.kind, span.text) == (Kind.PERSONNUMMER, "810314-1234")
    assert span.confidence <= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Nacka kommun, org.nr 212000-0167.",  # an organisation number: month 20 is no date
        "Beslut 2025-10-31 i ärende KS 2024/1234.",
        "Kostnaden är 1 200 000 kronor, se SFS 2010:900.",
        "Bankgiro 5050-1055, plusgiro 12 34 56-7.",
        "Numret 8103141234 har fel kontrollsiffra och inget bindestreck.",
    ],
)
def test_numbers_that_are_no_identity_numbers_are_left_alone(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "number",
    ["08-465 004 17", "070-174 06 12", "+46 70 174 06 33", "0701740655", "0046 8 465 004 22", "031-390 06 12",
     "0980-31 92 45"],
)  # fmt: skip
def test_swedish_phone_numbers(number):
    assert found(f"Ring mig på {number} efter klockan fem.") == [(Kind.PHONE, number)]


def test_times_dates_and_amounts_are_no_phone_numbers():
    text = "Öppet 08.00–17.00 och 07.00-19.00. Beslut 2025-10-31. Linje 474, 2 400 medlemmar, 4,2 miljoner kronor."
    assert found(text) == []


def test_personal_e_mail_addresses_are_proposed_and_function_addresses_are_not():
    text = (
        "Skriv till karin.lindqvist@gmail.com eller till ulla.bergstrom@villaagarnanacka.se. "
        "Föreningen nås på info@villaagarnanacka.se, kommunen på registrator@nacka.se, "
        "lokalavdelningen på lidingo@naturskyddsforeningen.se och styrelsen@brfekorren.se."
    )
    assert found(text, Respondent.ASSOCIATION) == [
        (Kind.EMAIL, "karin.lindqvist@gmail.com"),
        (Kind.EMAIL, "ulla.bergstrom@villaagarnanacka.se"),
    ]


def test_in_a_public_bodys_answer_only_private_mail_addresses_are_proposed():
    text = "Handläggare: jonas.lundgren@varmdo.se. En medborgare skrev från kjell.abrahamsson@gmail.com."
    assert found(text, Respondent.PUBLIC_BODY) == [(Kind.EMAIL, "kjell.abrahamsson@gmail.com")]


def test_street_and_postal_addresses_become_one_span_and_box_addresses_are_left_alone():
    text = "Jag bor på Sandviksgatan 8 lgh 1102, 123 45 Farsta.\nFöreningen: Box 1234, 131 26 Nacka."
    assert found(text) == [(Kind.ADDRESS, "Sandviksgatan 8 lgh 1102, 123 45 Farsta")]


@pytest.mark.parametrize(
    "address", ["Björkvägen 12", "Ekbacksvägen 3 B", "Olof Palmes gata 12", "Vaxmora gårdsväg 5", "Hammarby allé 4"]
)
def test_street_addresses(address):
    assert found(f"Adressen är {address} sedan i fjol.") == [(Kind.ADDRESS, address)]


def test_a_street_without_a_number_and_a_road_number_are_no_addresses():
    assert found("Cykelbanan längs Storgatan och väg 190 mot Lerum behöver belysning.") == []


def test_person_names_but_not_organisations_or_places():
    text = (
        "Nacka kommun och Region Stockholm har inte svarat. Jag, Mikael Andersson, och min granne Birgitta Holm "
        "i Fisksätra vill att Anna-Karin Öberg på Trafikverket svarar. Olof Palmes gata och Anna Lindhs park ska "
        "behållas. Sven Nilsson AB bygger."
    )
    assert found(text) == [
        (Kind.NAME, "Mikael Andersson"),
        (Kind.NAME, "Birgitta Holm"),
        (Kind.NAME, "Anna-Karin Öberg"),
    ]


def test_lone_first_names_where_the_text_says_they_are_people():
    text = "Min son Omar och hans syster går där. Bengt och Eva Johansson håller med.\n\nHälsningar\nIngela"
    assert found(text) == [
        (Kind.NAME, "Omar"),
        (Kind.NAME, "Bengt"),
        (Kind.NAME, "Eva Johansson"),
        (Kind.NAME, "Ingela"),
    ]


def test_a_name_wrapped_over_two_lines_and_in_the_genitive():
    assert found("Frågor besvaras av Oskar\nBergqvist. Det var Anna Svenssons förslag.") == [
        (Kind.NAME, "Oskar\nBergqvist"),
        (Kind.NAME, "Anna Svenssons"),
    ]


def test_officials_in_a_public_bodys_answer_are_not_proposed_but_other_people_are():
    text = (
        "Handläggare: Jonas Lundgren, trafikstrateg, 08-465 004 17.\n"
        "En medborgare, Kjell Abrahamsson, har hört av sig.\n\n"
        "Mats Gerdau\nKommunstyrelsens ordförande\n\nNacka kommun, Granitvägen 15, 131 81 Nacka"
    )
    assert found(text, Respondent.PUBLIC_BODY) == [(Kind.NAME, "Kjell Abrahamsson")]
    # The same text from an association: its people, its phone number and address are proposed; the holder of a
    # public office (kommunstyrelsens ordförande) is not.
    assert found(text, Respondent.ASSOCIATION) == [
        (Kind.NAME, "Jonas Lundgren"),
        (Kind.PHONE, "08-465 004 17"),
        (Kind.NAME, "Kjell Abrahamsson"),
        (Kind.ADDRESS, "Granitvägen 15, 131 81 Nacka"),
    ]


def test_a_public_bodys_answer_with_no_personal_data_yields_nothing():
    text = (
        "Sollentuna kommun tillstyrker förslaget. Pendeltågsstationen i Häggvik behöver anpassas senast 2028, "
        "och Trafikverket och Region Stockholm bör ta fram en plan.\n\nAnna Nygren\nkommundirektör\n\n"
        "Sollentuna kommun, 191 86 Sollentuna. Växel 08-579 210 00. kommunen@sollentuna.se. Org.nr 212000-0183."
    )
    assert found(text, Respondent.PUBLIC_BODY) == []


def test_spans_point_into_the_text():
    text = "Ring Karin Lindqvist på 070-174 06 12 eller skriv till karin.lindqvist@gmail.com."
    for span in detect(text):
        assert text[span.start : span.end] == span.text
        assert 0 < span.confidence <= 1


def test_a_long_text_is_read_in_linear_time():
    import time

    text = "Jag heter Karin Lindqvist och bor på Björkvägen 12, 133 41 Saltsjöbaden. Ring 070-174 06 12. " * 4000
    started = time.perf_counter()
    spans = detect(text)
    assert len(spans) == 3 * 4000  # a name, an address, a phone number
    assert time.perf_counter() - started < 20


def test_the_names_command_reports_the_index():
    from io import StringIO

    from django.core.management import call_command

    names_index()  # built once for the test run
    out = StringIO()
    call_command("masking_names", stdout=out)
    assert "is there already" in out.getvalue()
    assert "first names" in out.getvalue() and "names-dataset" in out.getvalue()
