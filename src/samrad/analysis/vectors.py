"""Vectors of passages of Swedish text for themes and similarity: sentence embeddings where it is affordable, a
lemma-based latent semantic space where it is not.

Embedding with multilingual-e5-small (`embeddings.embed`) gives the best neighbours, but on a small CPU it is slow:
a few to a few dozen passages a second on the project's two-core machines (docs/performance.md), so a consultation
with tens of thousands of answers would take hours. When more than `ANALYSIS_EMBED_MAX_PASSAGES` distinct passages
are not yet in the embedding cache, the passages are instead represented by TF-IDF over their simplemma lemmas,
reduced with a truncated SVD (latent semantic analysis; scikit-learn, fixed random_state) and L2-normalised: seconds
for 50 000 answers, and good at grouping texts that share their words, which is what themes and campaigns mostly
are. Which method was used is returned with the vectors, so a result can say how it was made.

Both are deterministic: the same passages give the same vectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings

from samrad.analysis import embeddings
from samrad.analysis.models import Embedding

EMBEDDINGS = "embeddings"
LEMMAS = "lemmas"
DEFAULT_EMBED_MAX_PASSAGES = 2000
LSA_DIMENSIONS = 200
WORD = re.compile(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)*")


@dataclass(frozen=True)
class Vectors:
    method: str  # EMBEDDINGS or LEMMAS
    matrix: np.ndarray  # (n, d) float32, rows L2-normalised (a row of zeros for a text without words)


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    import simplemma

    return str(simplemma.lemmatize(word, lang="sv")).lower()


def lemmas(text: str) -> list[str]:
    """The lemmas of the words of `text` (lower-cased, two letters or more)."""
    return [lemma(word) for word in WORD.findall(text.lower()) if len(word) > 1]


def _embed_max() -> int:
    return int(getattr(settings, "ANALYSIS_EMBED_MAX_PASSAGES", DEFAULT_EMBED_MAX_PASSAGES))


def uncached(texts: Sequence[str]) -> int:
    """How many distinct texts are not yet in the embedding cache."""
    digests = {embeddings.digest_of(text) for text in texts}
    known = 0
    chunk = list(digests)
    for start in range(0, len(chunk), 2000):
        known += Embedding.objects.filter(model=embeddings.MODEL, digest__in=chunk[start : start + 2000]).count()
    return len(digests) - known


def lemma_vectors(texts: Sequence[str], dimensions: int = LSA_DIMENSIONS) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return np.zeros((0, dimensions), dtype=np.float32)
    vectorizer = TfidfVectorizer(analyzer=lemmas, min_df=1, sublinear_tf=True, dtype=np.float32)
    tfidf = vectorizer.fit_transform(texts)
    components = min(dimensions, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    if components < 2:
        dense = tfidf.toarray()
    else:
        svd = TruncatedSVD(n_components=components, random_state=0, algorithm="randomized")
        with np.errstate(invalid="ignore", divide="ignore"):  # texts all alike: no variance to explain, no matter
            dense = svd.fit_transform(tfidf)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (dense / norms).astype(np.float32)


def method_for(texts: Sequence[str]) -> str:
    """EMBEDDINGS while at most `ANALYSIS_EMBED_MAX_PASSAGES` distinct texts of `texts` are not yet in the embedding
    cache, else LEMMAS. A run decides once, over all its passages, and keeps to it (themes, similarity). Looks in
    the cache only as far as it must: not at all when there are few texts, and no further once too many are new."""
    limit = _embed_max()
    digests = sorted({embeddings.digest_of(text) for text in texts})
    if len(digests) <= limit:
        return EMBEDDINGS
    new = 0
    for start in range(0, len(digests), 2000):
        chunk = digests[start : start + 2000]
        new += len(chunk) - Embedding.objects.filter(model=embeddings.MODEL, digest__in=chunk).count()
        if new > limit:
            return LEMMAS
    return EMBEDDINGS


def passage_vectors(texts: Sequence[str], *, method: str | None = None) -> Vectors:
    """Vectors of `texts`, one row each in the order given: embeddings unless too many are new (see above), or the
    method asked for."""
    if method is None:
        method = method_for(texts)
    if method == EMBEDDINGS:
        return Vectors(EMBEDDINGS, embeddings.embed(texts))
    return Vectors(LEMMAS, lemma_vectors(texts))
