"""Consultations (remiss): the proposal, its questions and documents, the referral list, and the answers.

State changes go through services (lifecycle.py, referrals.py, responses.py); never assign `status` directly.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Consultation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        COMPILED = "compiled", _("compiled")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("description"), blank=True)
    reference_number = models.CharField(_("reference number"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    senders = models.ManyToManyField(
        "organisations.Organisation", through="ConsultationSender", related_name="sent_consultations"
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    # The last instant answers are accepted (e.g. 23:59:59.999999 Europe/Stockholm on the last day).
    deadline = models.DateTimeField(_("deadline"))
    # Automatic reminders this many days before a referral body's deadline, e.g. [14, 3]. Empty: none.
    reminder_days = models.JSONField(_("reminder days"), default=list, blank=True)
    # Anyone may answer a remiss; on a public consultation the public can also answer on the platform.
    is_public = models.BooleanField(_("open to answers from the public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The covering letter (missiv), plain text signed by every sender's signatory. Editable while a draft; a
    # change after opening is a correction, recorded here and in the audit log (letters.py).
    letter = models.TextField(_("covering letter"), blank=True)
    letter_corrected_at = models.DateTimeField(_("letter corrected"), null=True, blank=True)

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.reference_number} {self.title}"


class ConsultationSender(models.Model):
    """A sending organisation; several sign jointly (e.g. a county council and a municipal association). Each
    sender files the consultation under its own case number (diarienummer), names a contact person for
    questions, and signs the covering letter through its signatory."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sender_links")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), max_length=254, blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "organisation"], name="sender_unique_per_consultation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} sends {self.consultation_id}"


class ReferenceSequence(models.Model):
    """The counter behind generated reference numbers: one row per pattern prefix and year, locked on use."""

    scope = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="reference_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.year}: {self.last_value}"


class StatusChange(models.Model):
    """The history of a consultation's lifecycle, one row per transition."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Consultation.Status.choices)
    to_status = models.CharField(max_length=20, choices=Consultation.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.from_status} → {self.to_status}"


class ConsultationDocument(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("free text")
        STANCE = "stance", _("stance with comment")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STANCE)
    # Where in the proposal the question points, e.g. "avsnitt 5.2".
    section = models.CharField(_("section of the proposal"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:80]


class Stance(models.TextChoices):
    SUPPORT = "support", _("supports")  # tillstyrker
    SUPPORT_WITH_CHANGES = "support_with_changes", _("supports with changes")  # tillstyrker med ändringar
    OPPOSE = "oppose", _("opposes")  # avstyrker
    NO_COMMENT = "no_comment", _("no comments")  # inga synpunkter
    ABSTAIN = "abstain", _("abstains")  # avstår


class Referral(models.Model):
    """One organisation on one consultation's referral list, with its own status and deadline."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        OPENED = "opened", _("opened")
        DRAFTING = "drafting", _("drafting")
        SUBMITTED = "submitted", _("submitted")
        DECLINED = "declined", _("declined")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVITED)
    # Set when the body was given its own deadline on being added, or granted an extension.
    deadline_override = models.DateTimeField(_("own deadline"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_after_opening = models.BooleanField(default=False)
    # When the body's invitation e-mails were queued in the outbox (by a background batch, see invitations.py).
    invited_at = models.DateTimeField(null=True, blank=True)
    # When an invitation batch found neither a registry address nor any people to tell. Cleared when invitations
    # start again (a later addition to the list), so that the body is tried again.
    unreachable_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("referral body")
        verbose_name_plural = _("referral list")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "organisation"], name="referral_unique_per_consultation")
        ]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.consultation.reference_number}"


class ReferralStatusChange(models.Model):
    """The history of a referral body's status, one row per move (referral_lifecycle.referral_transition)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class ReminderSent(models.Model):
    """One reminder to one referral body. `key` names the reminder ("auto-14d", "manual-<uuid>"): unique per
    referral, so running the reminder job twice never sends the same reminder twice."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["sent_at"]
        constraints = [models.UniqueConstraint(fields=["referral", "key"], name="reminder_unique_key")]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.key}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="extension_requests")
    requested_deadline = models.DateTimeField(_("requested deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    granted_deadline = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"


class Response(models.Model):
    """An organisation's (or a member of the public's) answer to a consultation: a shared draft that becomes
    immutable `Submission`s. One response per organisation per consultation; a joint answer has co-signatories."""

    class Channel(models.TextChoices):
        PLATFORM = "platform", _("on the platform")
        EMAIL = "email", _("by e-mail")
        PAPER = "paper", _("on paper")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    # For an answer from a private person (public consultations) or an unregistered body.
    respondent_name = models.CharField(_("respondent"), max_length=300, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PLATFORM)
    # The respondent's own reference number: free text, formats differ between bodies.
    their_reference = models.CharField(_("your reference number"), max_length=100, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=300, blank=True)
    is_unsolicited = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency for the response's own fields (answers have their own versions).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["consultation", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"],
                condition=Q(organisation__isnull=False),
                name="response_one_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.organisation_id or self.respondent_name}"


class Answer(models.Model):
    """The current draft answer to one question. `version` rises on every save; a save based on an older version
    is a conflict, never an overwrite."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    stance = models.CharField(_("stance"), max_length=30, choices=Stance.choices, blank=True)
    text = models.TextField(_("answer"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_per_question")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id} v{self.version}"


class ResponseAttachment(models.Model):
    class Kind(models.TextChoices):
        DECISION = "decision", _("decision / protocol extract")
        ANSWER = "answer", _("the answer as a document")
        DISSENT = "dissent", _("dissenting opinion")
        OTHER = "other", _("other")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField()
    # Removed from the draft; kept because an earlier submission may include it.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.file_id} ({self.kind})"


class ResponseSignatory(models.Model):
    """A co-signer of a joint answer. The answer counts for this organisation once it has confirmed."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "organisation"], name="signatory_unique_per_response")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.organisation_id}"


class SubmissionIsImmutable(Exception):
    """Raised on any attempt to change or delete a submission through the ORM."""


class SubmissionQuerySet(models.QuerySet["Submission"]):
    """Refuses the bulk paths that would bypass `Submission.save()` / `delete()`."""

    def update(self, **kwargs: Any) -> int:
        raise SubmissionIsImmutable("Submissions cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SubmissionIsImmutable("Submissions cannot be deleted.")


class Submission(models.Model):
    """An immutable submitted version of a response, with its receipt. A correction is a new submission."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField()
    receipt_number = models.CharField(max_length=50, unique=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # For answers registered by a coordinator: when it actually arrived at the sending body.
    received_at = models.DateTimeField(null=True, blank=True)
    # Everything answered, frozen: {"their_reference", "decided_by", "answers": [{"question_id", "question",
    # "stance", "text"}], "signatories": [...]}.
    content = models.JSONField()
    attachments = models.ManyToManyField("documents.StoredFile", related_name="+", blank=True)
    content_sha256 = models.CharField(max_length=64)
    # The answer as an archival PDF (PDF/A-2a), rendered once in the background right after submission
    # (submission_pdfs.py); set once through `pdf_set`, never changed.
    pdf = models.ForeignKey(
        "documents.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["response", "number"]
        constraints = [models.UniqueConstraint(fields=["response", "number"], name="submission_unique_number")]

    def __str__(self) -> str:
        return self.receipt_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise SubmissionIsImmutable("Submissions cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SubmissionIsImmutable("Submissions cannot be deleted.")

    def pdf_set(self, stored_file_id: int) -> bool:
        """Record the rendered PDF: the one write a submission allows, and only while it has none. True if this
        call set it (False: another run already had)."""
        unset: models.QuerySet[Submission] = models.QuerySet(model=Submission).filter(pk=self.pk, pdf__isnull=True)
        if not unset.update(pdf_id=stored_file_id):
            return False
        self.pdf_id = stored_file_id
        return True


class SubmissionStance(models.Model):
    """The stance of one submitted answer to one stance question, and who said so: the respondent (taken from the
    submission), the senders (a coordinator set or corrected it, e.g. for an answer registered from e-mail or
    paper), or a reader (a later automatic reading, with its confidence and evidence). One row per statement;
    the current one (`is_current`) is the answer's effective stance, which counts and exports use. A correction
    adds a row and retires the previous one, so the history stays."""

    class Source(models.TextChoices):
        RESPONDENT = "respondent", _("the respondent")
        SENDERS = "senders", _("set by the senders")
        READER = "reader", _("automatic reading")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="stances")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="submission_stances")
    stance = models.CharField(_("stance"), max_length=30, choices=Stance.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField()
    # For an automatic reader: how sure it is (0–1) and what in the text it read the stance from.
    confidence = models.FloatField(null=True, blank=True)
    evidence = models.TextField(null=True, blank=True)  # None: not read automatically
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["set_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"],
                condition=Q(is_current=True),
                name="submission_stance_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.question_id}: {self.stance} ({self.source})"
