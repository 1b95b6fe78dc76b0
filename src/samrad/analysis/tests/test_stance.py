"""The stance reader on the sentences that trip readers up: negations, conditions, hedges, protocol decisions."""

import pytest

from samrad.analysis.segmentation import sentences
from samrad.analysis.stance import read_stance


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Kommunen tillstyrker förslaget.", "support"),
        ("Kommunen tillstyrker inte förslaget.", "oppose"),
        ("Nämnden kan inte ställa sig bakom förslaget.", "oppose"),
        ("Nämnden ställer sig inte bakom förslaget.", "oppose"),
        ("Nämnden ställer sig bakom förslaget.", "support"),
        ("Regionen avstyrker inte förslaget men vill framhålla vikten av uppföljning.", "support"),
        ("Kommunen har inget att invända mot förslaget.", "support"),
        ("Kommunen har inget att erinra.", "support"),
        ("Kommunen har inga synpunkter på förslaget.", "no_comment"),
        ("Kommunen tillstyrker förslaget och har i övrigt inga synpunkter.", "support"),
        ("Förbundet avstår från att yttra sig.", "abstain"),
        ("Kommunen är i huvudsak positiv men anser att tidplanen är för snäv.", "support_with_changes"),
        ("Kommunen tillstyrker förslaget med följande ändringar.", "support_with_changes"),
        ("Kommunen tillstyrker under förutsättning att staten bär kostnaden.", "support_with_changes"),
        ("Kommunen tillstyrker förslaget. Kravet på rapportering bör dock förtydligas.", "support_with_changes"),
        ("Kommunen tillstyrker förslaget men avstyrker delen om avgifter.", "support_with_changes"),
        ("Kommunen anser att förslaget inte bör genomföras.", "oppose"),
        ("Kommunen ser inte positivt på förslaget.", "oppose"),
        ("Föreningen motsätter sig inte förslaget.", "support"),
        ("Regionen är positiv men inte till förslaget om avgifter.", "support_with_changes"),
        ("Kommunen tillstyrker förslaget, dock inte förslaget om avgifter.", "support_with_changes"),
        ("Kommunen välkomnar inte förslaget.", "oppose"),
        ("Kommunen har inget emot förslaget.", "support"),
        ("Kommunen följer frågan med intresse.", "unclear"),
        ("", "unclear"),
    ],
)
def test_tricky_sentences(text, stance):
    assert read_stance(text).stance == stance


def test_the_protocols_decision_outweighs_the_offices_proposal_and_the_description():
    text = (
        "Ärendebeskrivning\n"
        "Förslaget innebär en ökad samverkan som kommunen i grunden ser positivt på. "
        "Förvaltningen föreslår att kommunstyrelsen tillstyrker förslaget. Kommunen välkomnar samverkan.\n"
        "Beslut\n"
        "Kommunstyrelsen beslutar att avstyrka förslaget."
    )
    reading = read_stance(text)
    assert reading.stance == "oppose"
    assert reading.evidence == "Kommunstyrelsen beslutar att avstyrka förslaget."
    assert reading.confidence >= 0.7


def test_a_decision_sentence_without_a_heading_counts_as_the_decision():
    text = "Förvaltningen ser negativt på delar av förslaget. Kommunfullmäktige beslutar att tillstyrka förslaget."
    reading = read_stance(text)
    assert reading.stance == "support"
    assert reading.evidence.startswith("Kommunfullmäktige beslutar")


def test_evidence_is_the_sentence_and_the_reading_is_deterministic():
    text = "Dnr 2026/12. Vi har läst förslaget t.ex. kapitel 3 noga. Föreningen motsätter sig förslaget bestämt."
    first = read_stance(text)
    assert first == read_stance(text)
    assert first.stance == "oppose"
    assert first.evidence == "Föreningen motsätter sig förslaget bestämt."
    assert 0 < first.confidence <= 0.95


def test_nothing_to_go_on_is_unclear_with_low_confidence():
    reading = read_stance("Härmed översänds kommunens handlingar.")
    assert (reading.stance, reading.evidence) == ("unclear", "")
    assert reading.confidence < 0.5


def test_sentences_keep_abbreviations_and_mark_the_decision():
    parts = sentences("Beslut\nNämnden beslutar bl.a. att tillstyrka. Se t.ex. bilaga 2.\nBakgrund\nText här.")
    assert [p.text for p in parts] == [
        "Nämnden beslutar bl.a. att tillstyrka.",
        "Se t.ex. bilaga 2.",
        "Bakgrund",
        "Text här.",
    ]
    assert [p.in_decision for p in parts] == [True, True, False, False]


def test_wrapped_lines_of_a_pdf_are_one_sentence():
    text = (
        "Protokollsutdrag\nBeslut\nKommunstyrelsen beslutar att tillstyrka förslaget till regional\n"
        "cykelplan under förutsättning att regionen finansierar cykelbanan läng-\ns Värmdöleden.\nBakgrund\nText."
    )
    reading = read_stance(text)
    assert reading.stance == "support_with_changes"
    assert reading.evidence == (
        "Kommunstyrelsen beslutar att tillstyrka förslaget till regional cykelplan under förutsättning att regionen "
        "finansierar cykelbanan längs Värmdöleden."
    )
