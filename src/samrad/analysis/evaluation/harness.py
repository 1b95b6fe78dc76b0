"""Measuring the stance reader on the labelled sets in this directory (dev.json, held_out.json).

`evaluate(split)` reads every item of the split, compares the reading with the label, and returns the accuracy,
each class's precision and recall, and the confusion counts (label -> reading -> count).
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samrad.analysis import lexicon
from samrad.analysis.stance import read_stance

HERE = Path(__file__).resolve().parent
SPLITS = {
    "dev": ("dev.json",),
    "held-out": ("held_out.json",),
    "held-out-2": ("held_out_2.json",),
    "all": ("dev.json", "held_out.json", "held_out_2.json"),
}


@dataclass(frozen=True)
class Miss:
    id: str
    label: str
    read: str
    evidence: str


@dataclass(frozen=True)
class Evaluation:
    split: str
    total: int
    correct: int
    precision: dict[str, float | None]
    recall: dict[str, float | None]
    confusion: dict[str, dict[str, int]]
    misses: list[Miss]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def items(split: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in SPLITS[split]:
        out.extend(json.loads((HERE / name).read_text(encoding="utf-8"))["items"])
    return out


def evaluate(split: str = "held-out") -> Evaluation:
    confusion = {label: dict.fromkeys(lexicon.STANCES, 0) for label in lexicon.STANCES}
    misses: list[Miss] = []
    labelled = items(split)
    for item in labelled:
        reading = read_stance(item["text"])
        confusion[item["label"]][reading.stance] += 1
        if reading.stance != item["label"]:
            misses.append(Miss(item["id"], item["label"], reading.stance, reading.evidence))
    precision: dict[str, float | None] = {}
    recall: dict[str, float | None] = {}
    for stance in lexicon.STANCES:
        hit = confusion[stance][stance]
        read_as = sum(confusion[label][stance] for label in lexicon.STANCES)
        labelled_as = sum(confusion[stance].values())
        precision[stance] = hit / read_as if read_as else None
        recall[stance] = hit / labelled_as if labelled_as else None
    correct = sum(confusion[s][s] for s in lexicon.STANCES)
    return Evaluation(split, len(labelled), correct, precision, recall, confusion, misses)
