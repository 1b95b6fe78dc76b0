"""`manage.py outbox_test_email ADDRESS`: queue a test message through the outbox (checks worker and SMTP)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from samrad.notifications.services import email_enqueue_template


class Command(BaseCommand):
    help = "Queue a test e-mail to ADDRESS through the outbox; a running worker sends it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("address")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[code for code, _name in settings.LANGUAGES]
        )

    def handle(self, *args: Any, address: str, language: str, **options: Any) -> None:
        message = email_enqueue_template(
            to=[address],
            template="notifications/email/test_message",
            context={"recipient": address},
            language=language,
            category="notifications.test",
        )
        self.stdout.write(f"Queued e-mail {message.pk} ({message.message_id}) to {address}.")
