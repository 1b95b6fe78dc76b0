"""`read_stance --json` on real files, and `evaluate_analysis`'s figures."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from samrad.analysis.evaluation.harness import ROLES, SEPARATE, evaluate, evaluate_themes, items
from samrad.documents.generation import make_odt, make_pdf


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_read_stance_reads_txt_docx_pdf_and_odt_in_order_and_reports_unreadable_files(tmp_path):
    letter = tmp_path / "yttrande.docx"
    document = Document()
    document.add_heading("Yttrande över remiss", level=1)
    document.add_paragraph("Kommunen har tagit del av förslaget.")
    document.add_paragraph("Kommunen tillstyrker förslaget under förutsättning att staten bär kostnaderna.")
    document.save(letter)
    protocol = tmp_path / "protokoll.pdf"
    protocol.write_bytes(make_pdf("Protokollsutdrag\nBeslut\nKommunstyrelsen beslutar att avstyrka förslaget."))
    assert "avstyrka" in PdfReader(protocol).pages[0].extract_text()  # a real PDF, text extractable
    mail = tmp_path / "mejl.txt"
    mail.write_text("Hej! Vi har inga synpunkter på remissen. /Ale kommun", encoding="utf-8")
    odt = tmp_path / "remissvar.odt"
    odt.write_bytes(make_odt("Remissvar", "Förbundet tillstyrker förslaget med ändringar."))
    broken = tmp_path / "trasig.docx"
    broken.write_bytes(b"not a zip at all")
    spreadsheet = tmp_path / "tabell.xlsx"
    spreadsheet.write_bytes(b"whatever")

    paths = [str(p) for p in (letter, protocol, mail, odt, broken, spreadsheet, tmp_path / "saknas.pdf")]
    results = json.loads(run("read_stance", "--json", *paths))

    assert [r["file"] for r in results] == paths
    assert [r["stance"] for r in results] == [
        "support_with_changes",
        "oppose",
        "no_comment",
        "support_with_changes",
        None,
        None,
        None,
    ]
    assert results[0]["evidence"] == ("Kommunen tillstyrker förslaget under förutsättning att staten bär kostnaderna.")
    assert "beslutar att avstyrka" in results[1]["evidence"]
    assert results[3]["evidence"] == "Förbundet tillstyrker förslaget med ändringar."
    assert all(0 < r["confidence"] <= 1 for r in results[:4])
    assert set(results[0]) == {"file", "stance", "confidence", "evidence"}
    assert results[4]["error"].startswith("cannot read the file")
    assert results[5]["error"].startswith("unsupported file type")
    assert results[6]["error"] == "no such file"


def test_read_stance_reads_an_odt_letter_without_json(tmp_path):
    letter = tmp_path / "remissvar.odt"
    letter.write_bytes(make_odt("Remissvar", "Förbundet avstår från att lämna synpunkter på förslaget."))
    output = run("read_stance", str(letter)).strip()
    assert output.startswith(f"{letter}: abstain (0.")
    assert output.endswith(") — Förbundet avstår från att lämna synpunkter på förslaget.")


def test_read_stance_fails_when_no_file_can_be_read(tmp_path):
    with pytest.raises(CommandError):
        run("read_stance", "--json", str(tmp_path / "saknas.txt"))


def test_the_labelled_sets_are_large_enough_and_labelled_with_reasons():
    dev, held_out = items("dev"), items("held-out")
    assert len(dev) + len(held_out) >= 100
    assert min(len(items(split)) for split in ("held-out-3", "held-out-4", "held-out-5", "held-out-6")) >= 40
    every = items("all")
    assert len({i["id"] for i in every}) == len(every)  # no answer in two sets
    assert len({i["text"] for i in every}) == len(every)
    for item in every:
        assert item["label"] in {"support", "support_with_changes", "oppose", "no_comment", "abstain", "unclear"}
        assert item["reasoning"] and item["text"]


def test_evaluate_analysis_prints_accuracy_precision_recall_and_confusion():
    output = run("evaluate_analysis", "--split", "held-out", "--skip-themes")
    result = evaluate("held-out")
    assert f"Stance accuracy: {result.accuracy:.3f} ({result.correct}/{result.total})" in output
    assert result.accuracy >= 0.9
    lines = output.splitlines()
    support = next(line for line in lines if line.startswith("support ") and "." in line)
    assert support.split()[1:3] == [f"{result.precision['support']:.2f}", f"{result.recall['support']:.2f}"]
    header = lines.index("Confusion (rows: label, columns: read)")
    oppose_row = next(line for line in lines[header:] if line.startswith("oppose"))
    counts = [int(n) for n in oppose_row.split()[1:]]
    assert sum(counts) == sum(1 for i in items("held-out") if i["label"] == "oppose")
    assert "all set: " in run("evaluate_analysis", "--split", "all", "--skip-themes")


def test_evaluate_analysis_measures_the_tuned_and_each_held_out_set_on_its_own():
    output = run("evaluate_analysis", "--skip-themes")
    for split in SEPARATE:
        result = evaluate(split)
        block = output[output.index(f"Stance reader on the {split} set: {result.total} answers") :]
        assert block.splitlines()[1:3] == [
            f"({ROLES[split]})",
            f"Stance accuracy: {result.accuracy:.3f} ({result.correct}/{result.total})",
        ]
    summary = output[output.index("Summary (the tuned set and the held-out sets apart)") :].splitlines()[1:]
    assert summary[0].split()[:2] == ["tuned", "dev"]
    assert [line.split()[2] for line in summary[1:]] == list(SEPARATE[1:])
    assert all(line.split()[:2] == ["held", "out"] for line in summary[1:])
    # Two sets named: only those, each on its own.
    two = run("evaluate_analysis", "--split", "dev", "--split", "held-out-6", "--skip-themes")
    assert two.count("Stance reader on the ") == 2 and "held-out-3" not in two


def test_the_readers_accuracy_on_the_sets_written_for_issue_10():
    # Measured once before any change prompted by them: held-out-5 0.825, held-out-6 0.925 (docs/analysis.md);
    # this guards against a regression, it is not the honest figure.
    for split in ("dev", "held-out-3", "held-out-4", "held-out-5", "held-out-6"):
        assert evaluate(split).accuracy >= 0.9, split


@pytest.mark.django_db
def test_evaluate_analysis_prints_the_theme_agreement():
    output = run("evaluate_analysis", "--split", "dev")
    for split, labelled in (("dev", 7), ("held-out", 6)):
        result = evaluate_themes(split)
        assert f"Themes on the {split} theme set: {result.passages} passages, {labelled} labelled themes" in output
        assert f"Theme agreement (adjusted Rand index): {result.adjusted_rand:.3f}" in output
        assert all(f"  {label}" in output for label in result.labels)
    assert evaluate_themes("dev").adjusted_rand >= 0.6  # measured 0.729; the held-out set: 0.333 (docs/analysis.md)
