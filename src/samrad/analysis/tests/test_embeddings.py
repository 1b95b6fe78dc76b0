"""Sentence embeddings: offline, in order, each distinct text embedded once and kept for the next run."""

import numpy as np
import pytest

from samrad.analysis import embeddings
from samrad.analysis.models import Embedding

pytestmark = pytest.mark.django_db

SAME = "Kommunen tillstyrker förslaget om en större region."
PARAPHRASE = "Vi stöder förslaget att bilda en större region."
UNRELATED = "Parkeringsplatserna vid stationen räcker inte till pendlarna."


def test_vectors_come_in_the_order_given_normalised_and_a_paraphrase_is_nearer_than_an_unrelated_text():
    vectors = embeddings.embed([SAME, UNRELATED, PARAPHRASE])
    assert vectors.shape == (3, embeddings.DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[1]


def test_each_distinct_text_is_embedded_once_and_a_second_run_reads_the_cache(monkeypatch):
    calls: list[list[str]] = []
    real = embeddings._model_embed

    def counting(texts):
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(embeddings, "_model_embed", counting)
    first = embeddings.embed([SAME] * 50 + [UNRELATED])
    assert [len(batch) for batch in calls] == [2]
    assert Embedding.objects.filter(model=embeddings.MODEL).count() == 2
    assert np.array_equal(first[0], first[49])

    calls.clear()
    again = embeddings.embed([UNRELATED, "  " + SAME.replace(" ", "\n", 1)])  # the same text, other spacing
    assert calls == []
    assert np.allclose(again[0], first[50]) and np.allclose(again[1], first[0])


def test_nothing_in_gives_an_empty_array():
    assert embeddings.embed([]).shape == (0, embeddings.DIMENSIONS)
