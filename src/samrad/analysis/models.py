"""Stored results of the analysis.

`Embedding` is a cache of sentence embeddings keyed by the text's SHA-256 and the model that made it: embedding is
the slow step of the analysis, answers do not change once submitted, and a mass campaign sends the same text many
times, so each distinct text is embedded once and re-runs only embed what is new.
"""

from django.conf import settings
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


class VectorMethod(models.TextChoices):
    """How a run's passages were turned into vectors (`samrad.analysis.vectors`): the run decides once."""

    EMBEDDINGS = "embeddings", _("sentence embeddings")
    LEMMAS = "lemmas", _("word lemmas")


class SimilarityRun(models.Model):
    """One computation of "who answered alike" for a consultation (`alike.similarity_build`), queued by a
    coordinator or by a new answer, run in the background with its progress saved as it goes. The result is kept
    as JSON: the groups (submission ids, most central first; mean similarity; shared stances), each answer's nearest
    other answer, and the answers and similarities the picture shows. At most one queued run per consultation
    (a constraint): asking again while one waits changes nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="similarity_runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # None: queued by a new answer
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress saved while running
    done = models.PositiveIntegerField(default=0)  # answers read (vectors made) so far
    total = models.PositiveIntegerField(default=0)  # answers to read
    error = models.TextField(blank=True)
    # The newest submission the run read (by id): the result is older than the answers when a newer one exists.
    last_submission_id = models.BigIntegerField(null=True, blank=True)
    method = models.CharField(max_length=12, choices=VectorMethod.choices, blank=True)  # "": not decided yet
    result = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("similarity run")
        verbose_name_plural = _("similarity runs")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(status="queued"),
                name="analysis_similarityrun_one_queued",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.status} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class ThemeRun(models.Model):
    """One run of the theme pipeline over a consultation's current answers (samrad.analysis.theme_services). The
    latest finished run is the one shown; a new run keeps what a person decided in the previous one."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)  # distinct passages read (vectors made) so far
    total = models.PositiveIntegerField(default=0)  # distinct passages to read
    left_out = models.PositiveIntegerField(default=0)  # passages over the per-question limit
    method = models.CharField(max_length=12, choices=VectorMethod.choices, blank=True)  # "": not decided yet
    created_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("theme run")
        verbose_name_plural = _("theme runs")

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class Theme(models.Model):
    """A theme in the answers to one question: a label and its quotes. `label_set_by_person`: a coordinator named
    it; `kept_by_person`: a coordinator shaped it (renamed, merged into it, split it off, moved a quote into it),
    so a re-run keeps it and its passages."""

    run = models.ForeignKey(ThemeRun, on_delete=models.CASCADE, related_name="themes")
    question = models.ForeignKey("consultations.Question", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("label"), max_length=200)
    order = models.PositiveIntegerField(default=0)
    terms = models.JSONField(default=list)  # the distinctive terms the label was taken from
    label_set_by_person = models.BooleanField(default=False)
    kept_by_person = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.label


class ThemeQuote(models.Model):
    """A passage of an answer in a theme: every passage of the run is one (the counts per stance are over these);
    the representative ones (nearest the theme's centre) are shown as quotes."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="quotes")
    submission = models.ForeignKey("consultations.Submission", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    respondent = models.CharField(max_length=300)  # the organisation's or the respondent's name when run
    text = models.TextField()
    digest = models.CharField(max_length=64)  # SHA-256 of the passage's text: with the submission, its identity
    page = models.PositiveIntegerField(null=True, blank=True)  # in the attachment; None: the answer's own text
    stance = models.CharField(max_length=30)  # the answer's effective stance when run, or "none"
    score = models.FloatField(default=0.0)  # cosine to the theme's centre when clustered
    is_representative = models.BooleanField(default=False)
    placed_by_person = models.BooleanField(default=False)

    class Meta:
        ordering = ["theme", "-score", "id"]
        verbose_name = _("theme quote")
        verbose_name_plural = _("theme quotes")
        indexes = [models.Index(fields=["theme", "is_representative"], name="analysis_quote_shown")]

    def __str__(self) -> str:
        return self.text[:60]
