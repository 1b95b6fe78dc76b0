"""The audit log in Django's admin: readable by staff with the view permission, changeable by nobody."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samrad.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "actor_label", "action", "object_type", "object_id", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "action", "object_type", "object_id", "object_label"]
    date_hierarchy = "created_at"
    ordering = ["-id"]
    list_select_related = False
    show_full_result_count = False
    fields = readonly_fields = (
        "id",
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "changes",
        "prev_hash",
        "hash",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
