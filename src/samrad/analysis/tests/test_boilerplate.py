"""Letterhead, form fields, headings, attestations and signatures are not content; the text of the answer is."""

from samrad.analysis.boilerplate import is_form_line, without_boilerplate

PROTOCOL = (
    "Upplands-Bro kommun\nKommunstyrelsen\n\nProtokollsutdrag, sammanträde 2016-02-24, § 31\n"
    "Dnr KS 15/0402\n\n"
    "Yttrande över kommunremiss om regionalt utvecklingsansvar i Stockholms län\n\n"
    "Beslut\n"
    "Kommunstyrelsen beslutar att tillstyrka förslaget.\n\n"
    "Yttrande\n"
    "Upplands-Bro ser positivt på att planering och kollektivtrafik samlas hos en huvudman.\n\n"
    "Vid protokollet\nLinnea Hagberg, sekreterare\n\n"
    "Justerare\n\nSida 2 av 3"
)
LETTER = (
    "Skärgårdsföreningarnas samverkansråd\n\nTill Stockholms läns landsting och KSL\n\n"
    "Vi förväntar oss att skärgårdstrafiken blir en del av planen.\n\n"
    "Vi vill särskilt lyfta:\n- bredbandet\n- vården på öarna\n\n"
    "Med vänlig hälsning\nStyrelsen\n\n"
    "Postadress: Box 12, 130 25 Ingmarsö\nTelefon 08-123 45 67\nwww.skargardsforeningar.example.se\n"
    "kansli@skargardsforeningar.example.se"
)


def test_the_protocol_keeps_its_decision_and_its_reasons_only():
    assert without_boilerplate(PROTOCOL) == (
        "Kommunstyrelsen beslutar att tillstyrka förslaget.\n\n"
        "Upplands-Bro ser positivt på att planering och kollektivtrafik samlas hos en huvudman."
    )


def test_the_letter_keeps_its_text_and_its_list():
    assert without_boilerplate(LETTER) == (
        "Vi förväntar oss att skärgårdstrafiken blir en del av planen.\n\n"
        "Vi vill särskilt lyfta:\n- bredbandet\n- vården på öarna"
    )


def test_form_lines():
    for line in [
        "Dnr KS 2016/0012",
        "Diarienummer: RS 2016-0042",
        "Vår beteckning 2016/15",
        "Vid protokollet",
        "Malin Ek, kommunstyrelsens ordförande",
        "Oskar Wallin, sekreterare",
        "2016-03-02",
        "3 (4)",
        "Org.nr 212000-0142",
        "E-post: registrator@vaxholm.se",
    ]:
        assert is_form_line(line), line
    for line in [
        "Kommunstyrelsen beslutar att tillstyrka förslaget.",
        "Ordföranden i regionens beredning bör vara en kommunföreträdare, anser kommunen.",
        "Datumet för ikraftträdandet måste skjutas upp till 2019.",
        "Sidan om kollektivtrafiken saknar en analys.",
    ]:
        assert not is_form_line(line), line


def test_plain_prose_is_left_as_it_was():
    text = "Kommunen tillstyrker förslaget.\n\nKollektivtrafiken behöver fler avgångar, särskilt kvällstid."
    assert without_boilerplate(text) == text


def test_theme_passages_of_a_protocol_carry_no_letterhead_and_no_signature():
    from samrad.analysis.themes import AnswerText, passages_of

    answer = AnswerText(1, "RS-1", "Upplands-Bro kommun", None, "support", ((1, PROTOCOL), (2, LETTER)))
    texts = [passage.text for passage in passages_of(answer)]
    assert texts, "the content is still there"
    joined = " ".join(texts)
    for form in ("Dnr", "Protokollsutdrag", "Vid protokollet", "sekreterare", "Postadress", "Med vänlig hälsning"):
        assert form not in joined
    assert any("kollektivtrafik" in text for text in texts)


def test_spread_keeps_the_first_and_the_last_and_is_even():
    from samrad.analysis.themes import spread

    items = list(range(101))
    assert spread(items, 5) == [0, 25, 50, 75, 100]
    assert spread(items, 200) == items and spread(items, 0) == [] and spread(items, 1) == [0]
    assert len(spread(list(range(299_332)), 5000)) == 5000
