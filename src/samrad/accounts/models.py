"""People and their memberships of organisations. Authentication methods are pluggable (see ADR 0004)."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager["User"]):
    def get_by_email(self, email: str) -> "User":
        return self.get(email__iexact=email.strip())


class User(AbstractUser):
    """A person. The e-mail address identifies them for login links; `username` is kept for the admin."""

    email = models.EmailField(_("e-mail address"))
    organisations = models.ManyToManyField(
        "organisations.Organisation", through="Membership", related_name="people", verbose_name=_("organisations")
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_unique_email_ci",
                violation_error_message=_("A user with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.email or self.username


class Membership(models.Model):
    """A person's role at one organisation."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        RESPONDENT = "respondent", _("respondent")
        # Whoever controls the organisation's registry mailbox (registratur): its own gatekeeper, who may answer
        # for it, pass a consultation on to colleagues and manage its people (see accounts.registry).
        REGISTRY = "registry", _("registry")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # A respondent membership given because a consultation was passed on to this person (consultations.Delegation);
    # withdrawing their last pass-on ends it, a role given otherwise is never touched by a withdrawal.
    via_pass_on = models.BooleanField(_("given by passing on"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_unique_user_org",
                violation_error_message=_("This person already belongs to this organisation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Delegation(models.Model):
    """A consultation passed on (vidarebefordrad) within a referral body: its registry, or one of its coordinators,
    gave a colleague the task of answering. The colleague gets a respondent membership of the organisation
    (`Membership.via_pass_on`) and a personal login link; withdrawing the delegation ends what it gave."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.CASCADE,
        related_name="delegations",
        verbose_name=_("consultation"),
    )
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="delegations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("colleague"))
    given_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations_given",
        verbose_name=_("passed on by"),
    )
    created_at = models.DateTimeField(_("passed on"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pass-on")
        verbose_name_plural = _("pass-ons")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation", "user"],
                condition=Q(withdrawn_at__isnull=True),
                name="delegation_one_active_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} – {self.consultation_id}"
