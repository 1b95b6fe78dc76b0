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


@pytest.mark.parametrize(
    "text",
    [
        "Kommunen tillstyrker förslaget med ändringar.",
        "Kommunen tillstyrker förslaget med följande ändringar:\n- Avgiften sänks.\n- Tidsfristen förlängs.",
        "Regionen ställer sig bakom förslaget men med ändringar när det gäller finansieringen.",
        "Nämnden tillstyrker förslaget med de synpunkter som framgår nedan.",
        "Förbundet tillstyrker promemorians förslag med tillägg.",
        "Myndigheten tillstyrker förslaget med de mindre justeringar som redovisas i avsnitt 3.",
        "Kommunstyrelsen beslutar att tillstyrka förslaget med de ändringar som framgår av förvaltningens yttrande.",
        "Beslut\nMiljönämnden tillstyrker förslaget med följande ändringar:\nKravet på årlig rapportering utgår.",
        "Regionen stödjer förslaget med kommentarer enligt nedan.",
        "Universitetet tillstyrker med vissa förbehåll utredningens förslag.",
    ],
)
def test_support_with_changes_said_with_med_andringar_and_its_kin(text):
    reading = read_stance(text)
    assert reading.stance == "support_with_changes"
    assert reading.evidence  # the sentence it rests on


def test_changes_that_are_the_content_of_the_proposal_are_no_reservation():
    # "förslaget till/med ändringar i plan- och bygglagen" names what the proposal changes.
    assert read_stance("Kommunen tillstyrker förslaget till ändringar i plan- och bygglagen.").stance == "support"
    assert read_stance("Kommunen tillstyrker förslaget med ändringar i plan- och bygglagen.").stance == "support"


@pytest.mark.parametrize(
    "text",
    [
        "Kommunen tillstyrker inte förslaget.",
        "Kommunfullmäktige beslutar att kommunen inte tillstyrker förslaget.",
        "Nämnden kan inte ställa sig bakom förslaget.",
        "Regionen kan inte ställa sig bakom förslaget om att flytta ansvaret för hjälpmedel till kommunerna.",
        "Kommunstyrelsen beslutar att kommunen inte ställer sig bakom förslaget.",
        "Styrelsen har beslutat att förbundet inte står bakom förslaget.",
        "Advokatsamfundet kan inte tillstyrka förslaget.",
        "Med hänsyn till kostnaderna kan förbundet inte stödja förslaget.",
        "Nämnden kan inte ställa sig positiv till förslaget.",
        "Vi anser inte att förslaget bör genomföras.",
        "Mot denna bakgrund bör förslaget inte genomföras.",
        "Förbundet ser ingen anledning att tillstyrka förslaget.",
        "Kommunen delar inte utredningens bedömning.",
    ],
)
def test_negated_support_is_opposition(text):
    assert read_stance(text).stance == "oppose"


@pytest.mark.parametrize(
    "text",
    [
        "Föreningen motsätter sig inte förslaget.",
        "Kommunen ser inga skäl att motsätta sig förslaget.",
        "Kommunen har inte något att invända mot förslaget.",
        "Länsstyrelsen har ingen invändning mot förslaget.",
        "Myndigheten lämnar förslaget utan erinran.",
        "Kommunen ser inga hinder för att förslaget genomförs.",
        "Föreningen är inte emot förslaget.",
    ],
)
def test_negated_opposition_and_consent_are_support(text):
    assert read_stance(text).stance == "support"


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        # "vill understryka/framhålla" is emphasis, not a demand.
        ("Kommunen tillstyrker förslaget och vill understryka att det är angeläget.", "support"),
        ("Regionen tillstyrker förslaget men vill framhålla vikten av en god uppföljning.", "support"),
        # A reservation in the same breath ("men … måste"), or later ("dock … bör").
        ("Kommunen är positiv till förslaget men anser att staten måste bära kostnaderna.", "support_with_changes"),
        (
            "Regionen tillstyrker förslaget. Regionen anser dock att ikraftträdandet bör senareläggas.",
            "support_with_changes",
        ),
        # A condition with "om"; "förslaget om …" that only names the proposal is none.
        ("Kommunen kan tillstyrka förslaget om övergångstiden förlängs.", "support_with_changes"),
        ("Kommunen kan tillstyrka förslaget om ändrade regler för färdtjänst.", "support"),
        # Descriptive adjectives are no stance.
        ("Kommunen tillstyrker förslaget om skydd av kritisk infrastruktur.", "support"),
        ("Kommunen tillstyrker förslaget, som minskar de negativa effekterna av buller.", "support"),
        # "Nothing further to add" after a stance does not outweigh it.
        ("Trafikverket delar utredningens bedömning och har inget ytterligare att tillägga.", "support"),
        ("Beslut\nKulturnämnden beslutar att inte ha några synpunkter på remissen.", "no_comment"),
        ("Föreningen kommer inte att yttra sig över remissen.", "abstain"),
    ],
)
def test_reservations_conditions_and_what_is_no_stance(text, stance):
    assert read_stance(text).stance == stance


def test_a_genitive_heading_is_a_decision_heading_but_not_the_offices():
    text = (
        "Förvaltningens förslag\nFörvaltningen föreslår att regionstyrelsen tillstyrker förslaget.\n\n"
        "Regionstyrelsens beslut\nRegionstyrelsen avstyrker förslaget."
    )
    assert read_stance(text).stance == "oppose"
    parts = sentences("Förvaltningens ställningstagande\nText.\nKommunens ställningstagande\nKommunen tillstyrker.")
    # A decision heading itself is not a sentence; the office's heading is read as an ordinary heading.
    assert [(p.text, p.in_decision) for p in parts] == [
        ("Förvaltningens ställningstagande", False),
        ("Text.", False),
        ("Kommunen tillstyrker.", True),
    ]
