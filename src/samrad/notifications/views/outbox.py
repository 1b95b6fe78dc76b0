"""Staff pages of the outbox: what is waiting, what failed and why, and "retry now".

Platform staff only: the outbox holds every organisation's mail, and personal login links are redacted even
for them (a link shown here would let its reader log in as the recipient)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samrad.actors import is_platform_staff
from samrad.notifications.models import OutboundEmail
from samrad.notifications.selectors import email_get, outbox_list, outbox_state_counts, redact_secrets
from samrad.notifications.services import RETRYABLE_STATES, email_retry

PAGE_SIZE = 50


def _require_platform_staff(request: HttpRequest) -> None:
    if not is_platform_staff(request.user):
        raise PermissionDenied


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    _require_platform_staff(request)
    state = request.GET.get("state", "")
    if state not in OutboundEmail.State.values:
        state = ""
    counts = outbox_state_counts()
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts[value]) for value, label in OutboundEmail.State.choices
    ]
    page = Paginator(outbox_list(state=state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page, "state": state, "tabs": tabs})


@login_required
def outbox_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    _require_platform_staff(request)
    try:
        message = email_get(message_id=message_id)
    except OutboundEmail.DoesNotExist as error:
        raise Http404 from error
    return render(
        request,
        "notifications/outbox_detail.html",
        {
            "message": message,
            "body_text": redact_secrets(message.body_text),
            "body_html": redact_secrets(message.body_html),
            "can_retry": message.state in RETRYABLE_STATES,
        },
    )


@require_POST
@login_required
def outbox_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        email_retry(actor=request.user, message_id=message_id)
    except OutboundEmail.DoesNotExist as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message is queued and will be sent again shortly."))
    return redirect("notifications:outbox_detail", message_id=message_id)
