from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from samrad.notifications.services import email_enqueue


def queued_tasks(task: Any) -> Any:
    """The database queue's rows for one django.tasks task."""
    return DBTaskResult.objects.filter(task_path=task.module_path)


@pytest.fixture
def fast_retries(settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE = 1
    settings.OUTBOX_RETRY_MAX = 1


@pytest.fixture
def make_email() -> Any:
    def make(**overrides: Any) -> Any:
        fields = {
            "to": ["registrator@nacka.se"],
            "subject": "Remiss: Regional utvecklingsplan",
            "body_text": "Hej!\n\nNi är inbjudna att svara på remissen.\n",
        }
        return email_enqueue(**{**fields, **overrides})

    return make
