"""Measuring the detector on the labelled answers in this directory (dev.json, held_out.json).

Each item is an answer's text, who sent it ("private", "association", "public_body") and what must be masked:
[kind, text] pairs, every occurrence of the text being a span of that kind; everything else must stay. The texts
were written for the project (made-up names, numbers and addresses; phone numbers from the ranges the Swedish
Post and Telecom Authority keeps for fiction). dev.json was tuned on; held_out.json was written before the
detector was tuned and was not; hard.json was written after the detector, to probe its known weak points (lower-case
text, names that are words or places, public figures, minutes full of names), and was not tuned on either.

A found span counts as right when it overlaps a labelled span of the same kind (an identity number counts as
either kind of number); a labelled span counts as found when a found span of the same kind overlaps it.
`masked_share` is the share of the labelled characters that some found span (of any kind) covers: what would
really be hidden if every proposal were confirmed.

    .venv/bin/python -m samrad.publishing.evaluation.harness [dev|held-out|hard|all]
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samrad.publishing.detection import Kind, Respondent, Span, detect

HERE = Path(__file__).resolve().parent
SPLITS = {
    "dev": ("dev.json",),
    "held-out": ("held_out.json",),
    "hard": ("hard.json",),
    "all": ("dev.json", "held_out.json", "hard.json"),
}
KINDS = [Kind.PERSONNUMMER, Kind.SAMORDNINGSNUMMER, Kind.PHONE, Kind.EMAIL, Kind.ADDRESS, Kind.NAME]
IDENTITY = {Kind.PERSONNUMMER.value, Kind.SAMORDNINGSNUMMER.value}


def _group(kind: str) -> str:
    return "identity" if kind in IDENTITY else kind


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    kind: str
    text: str


@dataclass
class Counts:
    found: int = 0  # spans the detector proposed of this kind
    found_right: int = 0
    labelled: int = 0  # spans labelled of this kind
    labelled_found: int = 0

    @property
    def precision(self) -> float | None:
        return self.found_right / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.labelled_found / self.labelled if self.labelled else None


@dataclass
class Evaluation:
    split: str
    items: int
    per_kind: dict[str, Counts]
    total: Counts
    masked_chars: int
    labelled_chars: int
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (item, kind, text) labelled, not found
    extra: list[tuple[str, str, str]] = field(default_factory=list)  # (item, kind, text) found, not labelled
    public_body_items: int = 0
    public_body_proposals: int = 0

    @property
    def masked_share(self) -> float:
        return self.masked_chars / self.labelled_chars if self.labelled_chars else 1.0


def items(split: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in SPLITS[split]:
        out.extend(json.loads((HERE / name).read_text(encoding="utf-8"))["items"])
    return out


def gold_spans(item: dict[str, Any]) -> list[Gold]:
    """Every occurrence of every labelled text; overlapping occurrences of one kind become one span."""
    text = item["text"]
    raw: list[Gold] = []
    for kind, value in item["mask"]:
        start = text.find(value)
        while start != -1:
            raw.append(Gold(start, start + len(value), kind, value))
            start = text.find(value, start + 1)
    raw.sort(key=lambda g: (g.start, -g.end))
    merged: list[Gold] = []
    for gold in raw:
        previous = next((m for m in merged if m.kind == gold.kind and gold.start < m.end), None)
        if previous is not None:
            if gold.end > previous.end:
                merged[merged.index(previous)] = Gold(
                    previous.start, gold.end, gold.kind, text[previous.start : gold.end]
                )
            continue
        merged.append(gold)
    return merged


def _overlaps(a: Span | Gold, b: Span | Gold) -> bool:
    return a.start < b.end and b.start < a.end


def evaluate(split: str = "all") -> Evaluation:
    per_kind: dict[str, Counts] = defaultdict(Counts)
    total = Counts()
    result = Evaluation(split=split, items=0, per_kind=per_kind, total=total, masked_chars=0, labelled_chars=0)
    for item in items(split):
        result.items += 1
        text = item["text"]
        found = detect(text, respondent=Respondent(item["respondent"]))
        gold = gold_spans(item)
        if item["respondent"] == Respondent.PUBLIC_BODY:
            result.public_body_items += 1
            result.public_body_proposals += len(found)
        for span in found:
            right = any(_overlaps(span, g) and _group(g.kind) == _group(span.kind) for g in gold)
            for counts in (per_kind[span.kind], total):
                counts.found += 1
                counts.found_right += right
            if not right:
                result.extra.append((item["id"], span.kind, span.text))
        for g in gold:
            hit = any(_overlaps(span, g) and _group(g.kind) == _group(span.kind) for span in found)
            for counts in (per_kind[g.kind], total):
                counts.labelled += 1
                counts.labelled_found += hit
            if not hit:
                result.misses.append((item["id"], g.kind, g.text))
            covered = {i for span in found for i in range(max(span.start, g.start), min(span.end, g.end))}
            result.masked_chars += len(covered)
            result.labelled_chars += g.end - g.start
    return result


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def report(evaluation: Evaluation) -> str:
    lines = [
        f"Split {evaluation.split}: {evaluation.items} answers",
        f"{'kind':<18} {'labelled':>8} {'found':>6} {'precision':>9} {'recall':>7}",
    ]
    for kind in KINDS:
        counts = evaluation.per_kind.get(kind.value, Counts())
        lines.append(
            f"{kind.value:<18} {counts.labelled:>8} {counts.found:>6} {_percent(counts.precision):>9} "
            f"{_percent(counts.recall):>7}"
        )
    total = evaluation.total
    lines.append(
        f"{'all':<18} {total.labelled:>8} {total.found:>6} {_percent(total.precision):>9} {_percent(total.recall):>7}"
    )
    lines.append(f"labelled characters masked: {_percent(evaluation.masked_share)}")
    lines.append(
        f"proposals in public bodies' answers: {evaluation.public_body_proposals} in {evaluation.public_body_items}"
    )
    lines += [f"  missed {item}: {kind} {text!r}" for item, kind, text in evaluation.misses]
    lines += [f"  extra  {item}: {kind} {text!r}" for item, kind, text in evaluation.extra]
    return "\n".join(lines)


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samrad.settings")
    django.setup()
    print(report(evaluate(sys.argv[1] if len(sys.argv) > 1 else "all")))
