"""Deployment checks of the audit log's anchoring (run by `manage.py check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from samrad.audit.chain import configured_key_is_derived


@register(Tags.security, deploy=True)
def audit_anchoring_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if configured_key_is_derived():
        messages.append(
            Warning(
                "AUDIT_CHAIN_KEY is not set: audit events are sealed with a key derived from SECRET_KEY.",
                hint="Set AUDIT_CHAIN_KEY to a long random value kept outside the database and its backups "
                "(docs/operations.md, Audit log). Changing SECRET_KEY without keeping the old one in "
                "SECRET_KEY_FALLBACKS would otherwise make older seals unverifiable.",
                id="samrad.audit.W001",
            )
        )
    if not getattr(settings, "AUDIT_ANCHOR_FILE", ""):
        messages.append(
            Warning(
                "AUDIT_ANCHOR_FILE is not set: the audit chain's head is not exported outside the database.",
                hint="Point it at an append-only file (WORM storage, chattr +a) so that removing the newest events "
                "or a rewrite by someone holding the key is detected by audit_verify.",
                id="samrad.audit.W002",
            )
        )
    return messages
