"""Who is told what as a consultation runs (the notice builders; samrad.notifications.notices keeps and mails).

To the senders — every coordinator of a sending organisation (a notice on the platform, mailed at once or in
their daily digest) and each sender's registry address (e-mail at once):
- an answer submitted or registered, and an unsolicited answer: told once the answer's PDF is stored, with the
  PDF attached so that the registry can file it (called by submission_pdfs.submission_pdf_ensure);
- an extension requested, with a link to decide it;
- a decline.

To every referral body — its registry and its people — when the consultation closes (`send_closing_notices`).

All mail goes through the outbox with dedupe keys: a builder run twice tells no one twice. Never another
organisation: the recipients are the senders' own people and addresses, or the body's own.
"""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samrad.accounts.models import Membership, User
from samrad.consultations.invitations import sender_addresses
from samrad.consultations.models import Consultation, ExtensionRequest, Referral, Response, Submission
from samrad.notifications.models import Notice
from samrad.notifications.notices import NoticeSpec, notices_send, site_url
from samrad.notifications.services import email_enqueue_template


def _subject(consultation: Consultation, text: str) -> str:
    """The subject every e-mail about a consultation has: its reference and the senders' case numbers first."""
    template = Engine.get_default().get_template("consultations/email/_subject.txt")
    rendered = template.render(Context({"consultation": consultation, "subject": text}, autoescape=False))
    return " ".join(rendered.split())


def _when(instant: dt.datetime) -> str:
    return date_format(timezone.localtime(instant), "j F Y, H.i")


def sender_coordinators(consultation: Consultation) -> QuerySet[User]:
    """The active coordinators of the consultation's sending organisations."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.COORDINATOR,
            memberships__organisation__in=consultation.sender_links.values("organisation_id"),
        )
        .distinct()
        .order_by("pk")
    )


def _tell_senders(consultation: Consultation, spec: NoticeSpec) -> list[Notice]:
    return notices_send(
        spec=spec, people=list(sender_coordinators(consultation)), addresses=sender_addresses(consultation)
    )


def notices_answer_received(*, submission: Submission) -> list[Notice]:
    """An answer was submitted on the platform or registered from e-mail or paper; its PDF is stored."""
    if submission.pdf_id is None:
        raise ValueError("The senders are told of an answer only with its PDF.")
    response: Response = submission.response
    consultation = response.consultation
    content = submission.content
    name = response.organisation.name if response.organisation else response.respondent_name
    with translation.override(settings.LANGUAGE_CODE):
        values = {"reference": consultation.reference_number, "name": name, "title": consultation.title}
        if response.is_unsolicited:
            kind = Notice.Kind.UNSOLICITED
            subject = _subject(consultation, pgettext("e-mail subject", "Unsolicited answer from %(name)s") % values)
        else:
            kind = Notice.Kind.ANSWER
            subject = _subject(consultation, pgettext("e-mail subject", "Answer from %(name)s") % values)
        lines = [_("%(name)s has answered the consultation “%(title)s”.") % values]
        if submission.number > 1:
            lines.append(_("This is version %(number)d of the answer.") % {"number": submission.number})
        if content.get("channel", Response.Channel.PLATFORM) != Response.Channel.PLATFORM:
            lines.append(
                _("Received %(when)s (%(channel)s), registered on the platform.")
                % {
                    "when": _when(submission.received_at or submission.submitted_at),
                    "channel": Response.Channel(content["channel"]).label,
                }
            )
        else:
            lines.append(_("Submitted %(when)s.") % {"when": _when(submission.submitted_at)})
        lines.append(_("Receipt number: %(receipt)s") % {"receipt": submission.receipt_number})
        if content.get("their_reference"):
            lines.append(_("Their reference number: %(number)s") % {"number": content["their_reference"]})
        if content.get("decided_by"):
            lines.append(_("Decided by: %(body)s") % {"body": content["decided_by"]})
        lines.append(_("The answer is attached as a PDF."))
    spec = NoticeSpec(
        kind=kind,
        subject=subject,
        body="\n".join(lines),
        link=reverse("reading:answer", args=[consultation.pk, submission.receipt_number]),
        consultation_id=consultation.pk,
        key=f"answer:{submission.pk}",
        attachment_id=submission.pdf_id,
    )
    return _tell_senders(consultation, spec)


def notice_extension_requested(*, request: ExtensionRequest) -> list[Notice]:
    """A body asked for more time: the senders get a link to decide."""
    referral = request.referral
    consultation = referral.consultation
    with translation.override(settings.LANGUAGE_CODE):
        values = {"reference": consultation.reference_number, "name": referral.organisation.name}
        lines = [
            _("%(name)s asks for more time to answer the consultation “%(title)s”.")
            % {**values, "title": consultation.title},
            (
                _("Until: %(day)s") % {"day": date_format(timezone.localtime(request.requested_deadline), "j F Y")}
                if request.requested_deadline
                else _("They leave the date to you.")
            ),
            _("Reason: %(reason)s") % {"reason": request.reason},
            _("Grant or refuse the request on the platform:"),
        ]
        spec = NoticeSpec(
            kind=Notice.Kind.EXTENSION,
            subject=_subject(consultation, pgettext("e-mail subject", "%(name)s asks for more time") % values),
            body="\n".join(lines),
            link=reverse("coordination:extension_decide", args=[consultation.pk, request.pk]),
            consultation_id=consultation.pk,
            key=f"extension:{request.pk}",
        )
    return _tell_senders(consultation, spec)


def notice_declined(*, referral: Referral) -> list[Notice]:
    """A body declined to answer (avstår)."""
    consultation = referral.consultation
    with translation.override(settings.LANGUAGE_CODE):
        values = {"reference": consultation.reference_number, "name": referral.organisation.name}
        lines = [
            _("%(name)s declines to answer the consultation “%(title)s”.") % {**values, "title": consultation.title}
        ]
        if referral.decline_reason:
            lines.append(_("Reason: %(reason)s") % {"reason": referral.decline_reason})
        spec = NoticeSpec(
            kind=Notice.Kind.DECLINE,
            subject=_subject(consultation, pgettext("e-mail subject", "%(name)s declines to answer") % values),
            body="\n".join(lines),
            link=reverse("coordination:dashboard", args=[consultation.pk]),
            consultation_id=consultation.pk,
            key=f"decline:{referral.pk}",
        )
    return _tell_senders(consultation, spec)


def send_closing_notices(*, consultation: Consultation, closed_at: dt.datetime) -> int:
    """Tell every body on the referral list — its registry and its people — that the consultation has closed.
    One e-mail per body, deduped per closing (a consultation reopened and closed again tells again). Returns
    the number of e-mails queued or found queued."""
    referrals = Referral.objects.filter(consultation=consultation).select_related("organisation").order_by("pk")
    people: dict[int, list[str]] = {}
    for organisation_id, email in Membership.objects.filter(
        organisation__in=referrals.values("organisation_id"), user__is_active=True
    ).values_list("organisation_id", "user__email"):
        if email:
            people.setdefault(organisation_id, []).append(email)
    stamp = int(closed_at.timestamp())
    told = 0
    for referral in referrals.iterator(chunk_size=500):
        organisation = referral.organisation
        to = [organisation.registry_email, *people.get(organisation.pk, [])]
        to = [a for a in dict.fromkeys(a.strip() for a in to if a and a.strip())]
        if not to:
            continue
        email_enqueue_template(
            to=to,
            template="consultations/email/closed",
            context={
                "consultation": consultation,
                "organisation": organisation,
                "answered": referral.status in (Referral.Status.SUBMITTED, Referral.Status.DECLINED),
                "closed_at": _when(closed_at),
                "consultation_url": site_url(reverse("consultations:detail", args=[consultation.pk])),
            },
            reply_to=sender_addresses(consultation),
            category="consultations.closed",
            dedupe_key=f"consultations.closed:{consultation.pk}:{stamp}:{referral.pk}",
        )
        told += 1
    return told
