"""The knowledge base (kunskapsunderlag) and the search index of the whole platform.

`LibraryDocument` is background material: a stored file or a link, with its kind, tags, organisation and the
consultations and dialogue series it belongs to. `SearchEntry` is the denormalised index that one search box
queries: one row per searchable thing (a consultation, a question, a page of a document, a library entry, a
meeting, minutes, a submitted response) with who may find it. The full-text structures behind it differ by
database (a generated `tsvector` column with a GIN index on PostgreSQL, an FTS5 table on SQLite; see
migrations/0002_search_index.py and search_backends/).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class LibraryDocument(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        DECISION = "decision", _("decision")
        STATISTICS = "statistics", _("statistics")
        PROPOSAL = "proposal", _("proposal")
        OTHER = "other", _("other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("everyone")
        STAFF = "staff", _("coordinators only")
        ORGANISATIONS = "organisations", _("coordinators and the organisations named")

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    tags = models.ManyToManyField(Tag, blank=True, related_name="documents", verbose_name=_("tags"))
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_documents",
        verbose_name=_("organisation behind it"),
    )
    file = models.ForeignKey(
        "documents.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    consultations = models.ManyToManyField(
        "consultations.Consultation", blank=True, related_name="library_documents", verbose_name=_("consultations")
    )
    dialogue_series = models.ManyToManyField(
        "dialogue.DialogueSeries", blank=True, related_name="library_documents", verbose_name=_("dialogue series")
    )
    visibility = models.CharField(
        _("who may read it"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # With visibility "organisations": the organisations whose members may read it.
    readers = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="shared_library_documents",
        verbose_name=_("organisations that may read it"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("knowledge base document")
        verbose_name_plural = _("knowledge base")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file__isnull=False) & Q(url="")) | (Q(file__isnull=True) & ~Q(url="")),
                name="library_document_file_or_link",
                violation_error_message=_("A document is either an uploaded file or a link, not both or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SearchEntry(models.Model):
    """One searchable thing, with its text and who may find it.

    Who may find it (`scope`): PUBLIC everyone; STAFF coordinators, plus what RESTRICTED allows; RESTRICTED only
    members of `organisations` and the coordinators who run `consultation` or `dialogue_series`. Platform staff
    find everything. An entry with a page number is a page (or part of a page) of a document whose title is
    indexed on the document's own entry, so only its text is searched.
    """

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("consultation")
        QUESTION = "question", _("question")
        DOCUMENT = "document", _("document")
        LIBRARY = "library", _("knowledge base")
        RESPONSE = "response", _("response")
        DIALOGUE = "dialogue", _("dialogue")
        MEETING = "meeting", _("meeting")
        MINUTES = "minutes", _("minutes")

    class Scope(models.TextChoices):
        PUBLIC = "public", _("everyone")
        STAFF = "staff", _("coordinators")
        RESTRICTED = "restricted", _("named organisations and the people running it")

    # The registered source that made the entry and the id of its object (what is reindexed or removed).
    source = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The thing found (a question of a consultation, ...), for links and the API.
    object_id = models.BigIntegerField()
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    page_label = models.CharField(max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateField(null=True, blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    organisations = models.ManyToManyField("organisations.Organisation", blank=True, related_name="+")
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    dialogue_series = models.ForeignKey(
        "dialogue.DialogueSeries", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["source", "source_id"], name="search_entry_source"),
            models.Index(fields=["kind", "date"], name="search_entry_kind_date"),
            # Who may see what is a subquery on these columns: an index keeps it from reading the text.
            models.Index(fields=["scope"], name="search_entry_scope"),
        ]

    def __str__(self) -> str:
        return self.title


class SearchSyncState(models.Model):
    """How far the periodic reindexing of one source has come: objects changed after `synced_until` are next."""

    source = models.CharField(max_length=40, unique=True)
    synced_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.source} {self.synced_until:%Y-%m-%d %H:%M:%S}"
