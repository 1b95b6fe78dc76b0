"""Stored results of the analysis.

`Embedding` is a cache of sentence embeddings keyed by the text's SHA-256 and the model that made it: embedding is
the slow step of the analysis, answers do not change once submitted, and a mass campaign sends the same text many
times, so each distinct text is embedded once and re-runs only embed what is new.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Embedding(models.Model):
    digest = models.CharField(max_length=64)  # SHA-256 of the text as embedded (hex)
    model = models.CharField(max_length=60)
    vector = models.BinaryField()  # float32, little-endian, L2-normalised
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("embedding")
        verbose_name_plural = _("embeddings")
        constraints = [models.UniqueConstraint(fields=["model", "digest"], name="analysis_embedding_unique")]

    def __str__(self) -> str:
        return f"{self.model}:{self.digest[:12]}"
