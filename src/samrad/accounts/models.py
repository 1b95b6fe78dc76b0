"""People and their memberships of organisations. Authentication methods are pluggable (see ADR 0004)."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
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

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
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
