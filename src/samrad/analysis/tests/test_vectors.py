"""Passage vectors: embeddings while few passages are new, lemma vectors (TF-IDF + SVD) beyond the cap; both
deterministic, near copies nearer than unrelated texts."""

import numpy as np
import pytest

from samrad.analysis import embeddings, vectors

pytestmark = pytest.mark.django_db

TEXTS = [
    "Kommunen tillstyrker förslaget om en gemensam kollektivtrafik i hela länet.",
    "Kommunerna tillstyrker förslagen om gemensam kollektivtrafik i länet.",
    "Bostadsbyggandet i de mindre kommunerna behöver stöd från regionen.",
    "Regionens stöd till bostadsbyggande i mindre kommuner är avgörande.",
    "Finansieringen av hemsjukvården är oklar och måste utredas vidare.",
]


def test_lemma_vectors_put_texts_sharing_their_words_together_and_are_the_same_every_time():
    first = vectors.lemma_vectors(TEXTS)
    assert first.shape[0] == 5 and np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-4)
    similarity = first @ first.T
    assert similarity[0, 1] > similarity[0, 2] and similarity[0, 1] > similarity[0, 4]
    assert similarity[2, 3] > similarity[2, 4]
    assert np.array_equal(first, vectors.lemma_vectors(TEXTS))


def test_lemmas_bring_word_forms_together():
    assert vectors.lemmas("Kommunerna tillstyrker förslagen") == vectors.lemmas("kommunen tillstyrka förslaget")


def test_embeddings_while_few_are_new_and_lemmas_beyond_the_cap(settings):
    settings.ANALYSIS_EMBED_MAX_PASSAGES = 2
    assert vectors.uncached(TEXTS) == 5
    chosen = vectors.passage_vectors(TEXTS)
    assert chosen.method == vectors.LEMMAS and chosen.matrix.shape[0] == 5
    embeddings.embed(TEXTS[:4])  # now only one is new
    assert vectors.uncached(TEXTS) == 1
    chosen = vectors.passage_vectors(TEXTS)
    assert chosen.method == vectors.EMBEDDINGS and chosen.matrix.shape == (5, embeddings.DIMENSIONS)
    assert vectors.passage_vectors([]).matrix.shape[0] == 0
