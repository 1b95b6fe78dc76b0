"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests of the outbox.

    server = SmtpServer()
    server.start()
    ...  # settings.MAILERS from server.django_settings(), or a process env from server.environment()
    server.stop()     # an outage: connections are refused
    server.start()    # back, on the same port
    server.wait_for_messages(1)

`reject_recipient(address, code)` makes the server refuse one address at RCPT time (550 for a permanent
refusal, 450 for a temporary one).
"""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from samrad.testing.waiting import DEFAULT_TIMEOUT, wait_until


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ReceivedMessage:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, content_type: str = "text/plain") -> str:
        part = self.message.get_body(preferencelist=(content_type.split("/")[1],))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_RCPT(
        self, smtp: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = self.server.rejected.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.server._received(
            ReceivedMessage(
                envelope_from=str(envelope.mail_from),
                envelope_to=list(envelope.rcpt_tos),
                message=parsed,
            )
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.rejected: dict[str, str] = {}
        self._messages: list[ReceivedMessage] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    def start(self) -> None:
        if self._controller is not None:
            return
        controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def reject_recipient(self, address: str, code: int = 550) -> None:
        text = "5.1.1 Mailbox unavailable" if code >= 500 else "4.2.1 Mailbox busy, try again later"
        self.rejected[address.lower()] = f"{code} {text}"

    def wait_for_messages(self, count: int, *, timeout: float = DEFAULT_TIMEOUT) -> list[ReceivedMessage]:
        """Wait until at least `count` messages arrived; return them all."""
        wait_until(
            lambda: len(self.messages) >= count,
            timeout=timeout,
            message=lambda: f"the SMTP server got {len(self.messages)} message(s), expected {count}",
        )
        return self.messages

    def django_settings(self) -> dict[str, Any]:
        """Settings that send Django's default mailer (settings.MAILERS) to this server."""
        options = {"host": self.host, "port": self.port, "username": "", "password": "", "timeout": 5}
        return {"MAILERS": {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}}

    def environment(self) -> dict[str, str]:
        """The same, as the environment variables that the project's settings build MAILERS from."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "EMAIL_TIMEOUT": "5",
        }

    def _received(self, message: ReceivedMessage) -> None:
        with self._lock:
            self._messages.append(message)
