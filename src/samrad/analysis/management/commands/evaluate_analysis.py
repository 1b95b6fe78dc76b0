"""`manage.py evaluate_analysis [--split NAME …] [--misses] [--skip-themes]`: measure the stance reader on the
labelled answers in `samrad/analysis/evaluation/` (accuracy, per-class precision and recall, the confusion table),
each set on its own — the tuned set (dev) and every held-out set — with a summary that keeps them apart; `--split`
(repeatable) measures only the sets named ("all" pools every set). Then the theme pipeline on the labelled theme
sets (evaluation/themes.json and themes_held_out.json: the adjusted Rand index of the passages' themes against
their labelled themes). The themes need the database (the embeddings' cache) and the model."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samrad.analysis import lexicon
from samrad.analysis.evaluation.harness import (
    ROLES,
    SEPARATE,
    SPLITS,
    THEME_SETS,
    Evaluation,
    evaluate,
    evaluate_themes,
)

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
        parser.add_argument(
            "--split",
            action="append",
            choices=sorted(SPLITS),
            help="A set to measure (repeatable); the default is every set, each on its own.",
        )
        parser.add_argument("--misses", action="store_true", help="List the answers read wrongly.")
        parser.add_argument("--skip-themes", action="store_true", help="Measure the stance reader only.")

    def handle(self, *args: Any, **options: Any) -> None:
        results = [evaluate(split) for split in options["split"] or SEPARATE]
        for number, result in enumerate(results):
            if number:
                self.stdout.write("")
            self._stance(result, misses=options["misses"])
        if len(results) > 1:
            self._summary(results)
        if not options["skip_themes"]:
            self._themes()

    def _stance(self, result: Evaluation, *, misses: bool) -> None:
        write = self.stdout.write
        write(f"Stance reader on the {result.split} set: {result.total} answers")
        if result.split in ROLES:
            write(f"({ROLES[result.split]})")
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
        if misses and result.misses:
            write("")
            for miss in result.misses:
                write(f"{miss.id}: labelled {miss.label}, read {miss.read} — {miss.evidence}")

    def _summary(self, results: list[Evaluation]) -> None:
        write = self.stdout.write
        write("")
        write("Summary (the tuned set and the held-out sets apart)")
        for kind, chosen in (
            ("tuned", [r for r in results if r.split == "dev"]),
            ("held out", [r for r in results if r.split.startswith("held-out")]),
            ("pooled", [r for r in results if r.split == "all"]),
        ):
            for result in chosen:
                write(f"  {kind:<9}{result.split:<12}{result.total:>5} answers  accuracy {result.accuracy:.3f}")

    def _themes(self) -> None:
        write = self.stdout.write
        for split in THEME_SETS:
            themes = evaluate_themes(split)
            write("")
            write(
                f"Themes on the {split} theme set: {themes.passages} passages, {themes.labelled_themes} "
                f"labelled themes, {themes.found_themes} found"
            )
            write(f"Theme agreement (adjusted Rand index): {themes.adjusted_rand:.3f}")
            for label in themes.labels:
                write(f"  {label}")
