"""`manage.py evaluate_analysis [--split dev|held-out|all]`: measure the stance reader on the labelled answers in
`samrad/analysis/evaluation/` (accuracy, per-class precision and recall, the confusion table)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samrad.analysis import lexicon
from samrad.analysis.evaluation.harness import SPLITS, evaluate

SHORT = {
    lexicon.SUPPORT: "sup",
    lexicon.SUPPORT_WITH_CHANGES: "sup+chg",
    lexicon.OPPOSE: "opp",
    lexicon.NO_COMMENT: "no_com",
    lexicon.ABSTAIN: "abst",
    lexicon.UNCLEAR: "uncl",
}


def _share(value: float | None) -> str:
    return "   —" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "Measure the stance reader on the labelled answers: accuracy, per-class precision and recall, confusion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--split", choices=sorted(SPLITS), default="held-out")
        parser.add_argument("--misses", action="store_true", help="List the answers read wrongly.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = evaluate(options["split"])
        write = self.stdout.write
        write(f"Stance reader on the {result.split} set: {result.total} answers")
        write(f"Stance accuracy: {result.accuracy:.3f} ({result.correct}/{result.total})")
        write("")
        write(f"{'class':<22}{'precision':>10}{'recall':>8}{'labelled':>10}")
        for stance in lexicon.STANCES:
            labelled = sum(result.confusion[stance].values())
            write(f"{stance:<22}{_share(result.precision[stance]):>10}{_share(result.recall[stance]):>8}{labelled:>10}")
        write("")
        write("Confusion (rows: label, columns: read)")
        write(f"{'':<22}" + "".join(f"{SHORT[s]:>8}" for s in lexicon.STANCES))
        for label in lexicon.STANCES:
            write(f"{label:<22}" + "".join(f"{result.confusion[label][s]:>8}" for s in lexicon.STANCES))
        if options["misses"]:
            write("")
            for miss in result.misses:
                write(f"{miss.id}: labelled {miss.label}, read {miss.read} — {miss.evidence}")
