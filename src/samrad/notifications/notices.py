"""Notices: what the people running a consultation should know, on a page of their own and by e-mail.

An app's notice builder (consultations/notices.py) decides who is told what; this module keeps the notices and
mails them, as each person prefers (`NoticePreference`): at once (the default), one e-mail per notice, or in a
daily digest that the periodic job `notifications.notice_digests` sends once a day, after DIGEST_HOUR local time.
Addresses that are not people (an organisation's registry) get every notice at once, as e-mail only.

Every e-mail goes through the outbox, with a dedupe key, so running a builder or the digest again sends
nothing twice.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.documents.models import StoredFile
from samrad.errors import InvalidInput
from samrad.notifications.models import Notice, NoticePreference
from samrad.notifications.services import Attachment, email_enqueue_template

logger = logging.getLogger(__name__)

# Digests go out from this hour (Europe/Stockholm), once a day (the optional setting NOTICE_DIGEST_HOUR).
DIGEST_HOUR = 7
# At most this many notices (and attached files) in one digest; the rest are on the notices page.
DIGEST_MAX_NOTICES = 50
DIGEST_MAX_ATTACHMENTS = 20


@dataclass(frozen=True)
class NoticeSpec:
    """One thing to tell: the same subject, text, link and file for every recipient."""

    kind: str
    subject: str
    body: str
    link: str
    consultation_id: int | None
    key: str  # unique per event, e.g. "answer:<submission id>"
    attachment_id: int | None = None


def site_url(link: str) -> str:
    return f"{settings.SITE_URL}{link}" if link.startswith("/") else link


def _attachment(file_id: int | None) -> list[Attachment]:
    if file_id is None:
        return []
    stored = StoredFile.objects.get(pk=file_id)
    with stored.file.open("rb") as handle:
        return [Attachment(filename=stored.original_name, content=handle.read(), content_type=stored.content_type)]


def delivery_for(user: Any) -> str:
    preference = NoticePreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return preference or NoticePreference.Delivery.IMMEDIATE


def _mail_one(*, to: str, spec: NoticeSpec, files: list[Attachment], key: str) -> None:
    email_enqueue_template(
        to=[to],
        template="notifications/email/notice",
        context={"subject": spec.subject, "body": spec.body, "link_url": site_url(spec.link) if spec.link else ""},
        attachments=files,
        category=f"notice.{spec.kind}",
        dedupe_key=f"notice:{spec.key}:{key}",
    )


def notices_send(*, spec: NoticeSpec, people: list[Any], addresses: list[str]) -> list[Notice]:
    """Tell `people` (a Notice each, mailed at once or in their digest) and `addresses` (e-mail at once).
    Idempotent per `spec.key`. Call inside the transaction of the change it tells of."""
    now = timezone.now()
    files = _attachment(spec.attachment_id)
    created: list[Notice] = []
    mailed: set[str] = set()
    for person in {p.pk: p for p in people if p.is_active}.values():
        notice_key = f"{spec.key}:u{person.pk}"[:200]
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    recipient=person,
                    kind=spec.kind,
                    consultation_id=spec.consultation_id,
                    subject=spec.subject[:300],
                    body=spec.body,
                    link=spec.link[:500],
                    attachment_id=spec.attachment_id,
                    key=notice_key,
                    created_at=now,
                )
        except IntegrityError:
            continue  # told already
        created.append(notice)
        if delivery_for(person) == NoticePreference.Delivery.IMMEDIATE and person.email:
            _mail_one(to=person.email, spec=spec, files=files, key=f"u{person.pk}")
            mailed.add(person.email.strip().lower())
            Notice.objects.filter(pk=notice.pk).update(mailed_at=now)
        elif person.email:
            mailed.add(person.email.strip().lower())  # the digest tells them; the address needs no copy
    for address in dict.fromkeys(a.strip() for a in addresses if a and a.strip()):
        if address.lower() in mailed:
            continue
        _mail_one(to=address, spec=spec, files=files, key=address.lower())
    return created


# --- The person's page -----------------------------------------------------------------------------------


def notices_for(user: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).select_related("consultation").order_by("-created_at", "-id")


def notices_unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notice_mark_read(*, actor: Actor, notice_id: int) -> int:
    """Mark one of the actor's own notices read; another person's notice is simply not found (0)."""
    return Notice.objects.filter(pk=notice_id, recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def notices_mark_all_read(*, actor: Actor) -> int:
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def notice_preference_set(*, actor: Actor, delivery: str) -> NoticePreference:
    """How the actor wants notices mailed; audited."""
    if delivery not in NoticePreference.Delivery.values:
        raise InvalidInput(_("Choose how you want notices by e-mail."), field="delivery")
    with transaction.atomic():
        preference, _created = NoticePreference.objects.select_for_update().get_or_create(user=actor)
        before = preference.delivery
        if _created or before != delivery:
            preference.delivery = delivery
            preference.save(update_fields=["delivery"])
            audit_record(
                actor=actor, action="notices.preference", target=preference, changes={"delivery": [before, delivery]}
            )
    return preference


# --- The daily digest ------------------------------------------------------------------------------------


def _local_today(now: dt.datetime) -> tuple[dt.date, bool]:
    local = timezone.localtime(now)
    return local.date(), local.hour >= int(getattr(settings, "NOTICE_DIGEST_HOUR", DIGEST_HOUR))


def notice_digest_send(*, preference: NoticePreference, now: dt.datetime) -> int:
    """One person's digest for today, if none was sent today and there is something to tell; how many notices
    it holds. The day is claimed with a conditional update first, so two runs at once send one digest."""
    today, due = _local_today(now)
    if not due:
        return 0
    user = preference.user
    pending = list(
        Notice.objects.filter(recipient=user, mailed_at__isnull=True)
        .select_related("consultation")
        .order_by("created_at", "id")[:DIGEST_MAX_NOTICES]
    )
    if not pending or not user.is_active or not user.email:
        return 0
    with transaction.atomic():
        claimed = (
            NoticePreference.objects.filter(pk=preference.pk).exclude(last_digest_on=today).update(last_digest_on=today)
        )
        if not claimed:
            return 0
        files: list[Attachment] = []
        for notice in pending:
            if notice.attachment_id and len(files) < DIGEST_MAX_ATTACHMENTS:
                files.extend(_attachment(notice.attachment_id))
        email_enqueue_template(
            to=[user.email],
            template="notifications/email/notice_digest",
            context={
                "notices": [
                    {"subject": n.subject, "body": n.body, "link_url": site_url(n.link) if n.link else ""}
                    for n in pending
                ],
                "more": Notice.objects.filter(recipient=user, mailed_at__isnull=True).count() - len(pending),
                "notices_url": site_url("/aviseringar/"),
            },
            attachments=files,
            category="notice.digest",
            dedupe_key=f"notice-digest:{user.pk}:{today.isoformat()}",
        )
        Notice.objects.filter(pk__in=[n.pk for n in pending]).update(mailed_at=now)
    return len(pending)


def notice_digests_send(*, now: dt.datetime | None = None) -> int:
    """Every daily digest due now; how many people got one. Someone who went back from the digest to "at once"
    gets what was waiting for their digest in one last one."""
    now = now or timezone.now()
    today, due = _local_today(now)
    if not due:
        return 0
    sent = 0
    waiting = Notice.objects.filter(mailed_at__isnull=True).values("recipient_id")
    preferences = (
        NoticePreference.objects.filter(user_id__in=waiting)
        .exclude(last_digest_on=today)
        .select_related("user")
        .order_by("pk")
    )
    for preference in preferences.iterator(chunk_size=200):
        try:
            if notice_digest_send(preference=preference, now=now):
                sent += 1
        except Exception:  # one person's broken digest must not stop everyone else's
            logger.exception("The notice digest of user %s failed", preference.user_id)
    return sent
