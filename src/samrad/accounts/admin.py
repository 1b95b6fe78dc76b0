"""Django admin for people: Django's user admin with the e-mail address required and memberships inline.

The admin writes through Django's own forms, so each change it logs is also written to the audit log.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samrad.accounts.models import Membership, User
from samrad.accounts.selectors import users_with_email
from samrad.audit.services import audit_record


class _EmailFieldMixin:
    """The address is required, stored with a lower-case domain, and unique regardless of case."""

    cleaned_data: dict[str, Any]
    instance: User

    def clean_email(self) -> str:
        address = User.objects.normalize_email(self.cleaned_data["email"].strip())
        others = users_with_email(address)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return address


class UserCreateForm(_EmailFieldMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name")


class UserEditForm(_EmailFieldMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("organisation")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    inlines = [MembershipInline]
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "last_login")
    search_fields = ("email", "first_name", "last_name", "username")
    ordering = ("email",)

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        audit_record(actor=request.user, action="accounts.user_created", target=obj, changes={"admin": message})
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        audit_record(actor=request.user, action="accounts.user_changed", target=obj, changes={"admin": message})
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            audit_record(actor=request.user, action="accounts.user_deleted", target=obj, changes={"admin": "deleted"})
        return entries
