"""Measuring "who answered alike" on the labelled example (`alike.json`): how well the groups found agree with the
groups a person drew (adjusted Rand index, 1.0: the same grouping), with and without the stances, for a few cuts.

    python manage.py shell -c "from samrad.analysis.evaluation.alike import report; print(report())"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from samrad.analysis import similarity

EXAMPLE = Path(__file__).with_name("alike.json")


def example() -> list[dict[str, Any]]:
    return list(json.loads(EXAMPLE.read_text(encoding="utf-8"))["answers"])


@dataclass(frozen=True)
class Measure:
    weight: float
    threshold: float
    agreement: float  # adjusted Rand index against the labels
    groups: list[list[int]]


def measure(
    weights: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3), thresholds: tuple[float, ...] = (0.05, 0.08, 0.10)
) -> list[Measure]:
    """Embed the example (through the cache) and group it with each stance weight and cut."""
    from sklearn.metrics import adjusted_rand_score

    from samrad.analysis.embeddings import embed

    answers = example()
    pieces = [similarity.passages(answer["text"]) for answer in answers]
    owners = [index for index, passages in enumerate(pieces) for _ in passages]
    vectors = similarity.answer_vectors(embed([p for passages in pieces for p in passages]), owners, len(answers))
    stances = [[(1, str(answer["stance"]))] for answer in answers]
    keys = sorted({pair for pairs in stances for pair in pairs})
    truth = [answer["group"] or f"alone-{index}" for index, answer in enumerate(answers)]
    out = []
    for weight in weights:
        combined = similarity.with_stances(vectors, similarity.stance_vectors(stances, keys), weight)
        near = similarity.neighbours(combined)
        for threshold in thresholds:
            groups = similarity.groups_of(combined, near, threshold)
            labels = list(range(len(answers), 2 * len(answers)))
            for number, members in enumerate(groups):
                for member in members:
                    labels[member] = number
            out.append(Measure(weight, threshold, float(np.round(adjusted_rand_score(truth, labels), 3)), groups))
    return out


def report() -> str:
    lines = ["weight  cut   agreement  groups"]
    for row in measure():
        lines.append(f"{row.weight:<7} {row.threshold:<5} {row.agreement:<10} {row.groups}")
    return "\n".join(lines)
