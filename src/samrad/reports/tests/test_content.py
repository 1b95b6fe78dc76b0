"""The compilation's content checked against a hand-built consultation's answers."""

import pytest

from samrad.reports.content import EXCERPT_LENGTH, Content, compilation_content, excerpt

pytestmark = pytest.mark.django_db


def test_who_was_asked_and_who_answered(closed_world):
    content = compilation_content(closed_world["consultation"], summary="Sammanfattning.")
    assert {line.key: line.count for line in content.counts} == {
        "asked": 6,
        "answered": 4,
        "answered_jointly": 1,
        "declined": 1,
        "not_answered": 1,
        "unsolicited": 1,
        "joint": 1,
        "answers": 4,
    }
    outcome = {party.name: (party.status, party.receipt) for party in content.referrals}
    assert outcome == {
        "Nacka kommun": ("answered", closed_world["nacka"].receipt_number),
        "Solna stad": ("answered", closed_world["solna"].receipt_number),
        "Sundbybergs stad": ("answered_jointly", closed_world["solna"].receipt_number),
        "Täby kommun": ("answered", closed_world["taby"].receipt_number),
        "Vaxholms stad": ("declined", ""),
        "Tyresö kommun": ("not_answered", ""),
    }
    assert [(p.name, p.note) for p in content.declined] == [("Vaxholms stad", "Inga resurser")]
    assert [p.name for p in content.not_answered] == ["Tyresö kommun"]
    assert [(p.name, p.receipt) for p in content.unsolicited] == [
        ("Naturskyddsföreningen", closed_world["unsolicited"].receipt_number)
    ]
    assert [(p.name, p.note) for p in content.joint] == [("Solna stad", "Sundbybergs stad")]


def test_stances_per_question_are_the_effective_ones(closed_world):
    content = compilation_content(closed_world["consultation"], summary="")
    first, second = content.questions
    assert first.total == 4
    assert {line.stance: (line.count, line.percent) for line in first.distribution} == {
        "support": (1, 25.0),
        "support_with_changes": (1, 25.0),
        "oppose": (2, 50.0),
        "no_comment": (0, 0.0),
        "abstain": (0, 0.0),
        "none": (0, 0.0),
    }
    accounts = {account.respondent: account for account in first.accounts}
    assert set(accounts) == {"Nacka kommun", "Solna stad", "Täby kommun", "Naturskyddsföreningen"}
    assert accounts["Täby kommun"].stance == "support_with_changes"  # set by the senders
    assert accounts["Täby kommun"].receipt == closed_world["taby"].receipt_number
    nacka = accounts["Nacka kommun"]
    assert nacka.truncated and len(nacka.excerpt) <= EXCERPT_LENGTH + 1
    assert nacka.excerpt.startswith("Nacka kommun tillstyrker förslaget")
    assert not second.asks_stance and second.distribution == []
    assert [a.respondent for a in second.accounts if a.excerpt == "Inga fler synpunkter."] == ["Nacka kommun"]


def test_the_content_survives_json(closed_world):
    content = compilation_content(closed_world["consultation"], summary="Text")
    assert Content.from_json(content.as_json()) == content


def test_excerpt_cuts_at_a_word():
    assert excerpt("kort") == ("kort", False)
    text, cut = excerpt("ord " * 200, length=50)
    assert cut and text.endswith("…") and len(text) <= 51 and not text[:-1].endswith(" ")
