"""Writing the remiss compilation: start it for a closed consultation, write its summary while it is a draft, and
sign it off, which freezes its content and moves the consultation to `compiled` through the lifecycle's one
transition service. Only the consultation's coordinators; every write audited, in the same transaction.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.analysis import theme_services
from samrad.analysis.models import ThemeRun
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.lifecycle import consultation_transition
from samrad.consultations.models import Consultation
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.reports.content import compilation_content
from samrad.reports.documents import compilation_documents_queue_final
from samrad.reports.models import Compilation

SUMMARY_MAX_LENGTH = 20_000


def _require_manager(actor: Actor, consultation: Consultation) -> None:
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def themes_ready_or_refuse(consultation: Consultation) -> None:
    """The compilation carries the analysis's themes only once a person has signed them off: refused while a theme
    run is queued or running, or while the latest finished one is not signed off. Without any theme run the
    compilation has no themes and can be signed off."""
    latest = theme_services.latest_run(consultation)
    if latest is not None and latest.status in (ThemeRun.Status.QUEUED, ThemeRun.Status.RUNNING):
        raise NotAllowedNow(
            _("The themes are being drawn up again. Review and sign them off before signing off the compilation.")
        )
    done = theme_services.latest_done_run(consultation)
    if done is not None and done.signed_off_at is None:
        raise NotAllowedNow(
            _("Review and sign off the themes on the analysis page before signing off the compilation.")
        )


def compilation_start(*, actor: Actor, consultation: Consultation) -> Compilation:
    """The consultation's compilation, started now if it has none. Only for a closed consultation."""
    _require_manager(actor, consultation)
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        existing = Compilation.objects.filter(consultation=locked).first()
        if existing is not None:
            return existing
        if locked.status != Consultation.Status.CLOSED:
            raise NotAllowedNow(_("A compilation can only be started once the consultation has closed."))
        now = timezone.now()
        compilation = Compilation.objects.create(
            consultation=locked, started_by=_user(actor), started_at=now, updated_at=now
        )
        audit_record(actor=actor, action="compilation.start", target=compilation, changes={"consultation": locked.pk})
    return compilation


def _locked_draft(compilation: Compilation) -> Compilation:
    locked = Compilation.objects.select_for_update().select_related("consultation").get(pk=compilation.pk)
    if locked.is_signed_off:
        raise NotAllowedNow(_("The compilation has been signed off and can no longer be changed."))
    return locked


def compilation_summary_set(*, actor: Actor, compilation: Compilation, summary: str) -> Compilation:
    """Write the coordinators' summary of the answers (a draft only)."""
    _require_manager(actor, compilation.consultation)
    summary = summary.replace("\r\n", "\n").strip()
    if len(summary) > SUMMARY_MAX_LENGTH:
        raise InvalidInput(
            _("The summary can be at most %(limit)s characters long.") % {"limit": f"{SUMMARY_MAX_LENGTH:,}"},
            field="summary",
        )
    with transaction.atomic():
        locked = _locked_draft(compilation)
        if locked.summary == summary:
            return locked
        changes = {"summary": [locked.summary, summary]}
        locked.summary = summary
        locked.updated_at = timezone.now()
        locked.save(update_fields=["summary", "updated_at"])
        audit_record(actor=actor, action="compilation.summary_set", target=locked, changes=changes)
    compilation.refresh_from_db()
    return compilation


def compilation_sign_off(*, actor: Actor, compilation: Compilation) -> Compilation:
    """Sign off: freeze the content as it is now and move the consultation to `compiled`. Needs a summary."""
    _require_manager(actor, compilation.consultation)
    with transaction.atomic():
        locked = _locked_draft(compilation)
        if not locked.summary.strip():
            raise InvalidInput(_("Write the summary before signing off the compilation."), field="summary")
        themes_ready_or_refuse(locked.consultation)
        consultation_transition(actor=actor, consultation=locked.consultation, to_status=Consultation.Status.COMPILED)
        now = timezone.now()
        locked.content = compilation_content(locked.consultation, summary=locked.summary).as_json()
        locked.status = Compilation.Status.SIGNED_OFF
        locked.signed_off_by = _user(actor)
        locked.signed_off_at = now
        locked.updated_at = now
        locked.save()
        audit_record(
            actor=actor,
            action="compilation.sign_off",
            target=locked,
            changes={"status": [Compilation.Status.DRAFT, Compilation.Status.SIGNED_OFF]},
        )
        compilation_documents_queue_final(compilation=locked)
    compilation.refresh_from_db()
    return compilation
