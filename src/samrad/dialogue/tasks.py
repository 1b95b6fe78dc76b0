"""Scheduled work of dialogues, run by the task queue through samrad.notifications.scheduling. Both jobs are
idempotent: running them twice, late or on several schedulers does nothing twice."""

from django.tasks import task


@task()
def send_meeting_reminders() -> int:
    """Every 15 minutes (registered as "dialogue.reminders")."""
    from samrad.dialogue.reminders import reminders_send_due

    return reminders_send_due()


@task()
def erase_past_needs() -> int:
    """Every hour (registered as "dialogue.erase_needs"): personal needs are kept only until the meeting is over."""
    from samrad.dialogue.registrations import registrations_erase_needs_due

    return registrations_erase_needs_due()
