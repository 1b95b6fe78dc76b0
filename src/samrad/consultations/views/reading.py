"""The coordinators' reading of what came in: one answer at a time (with previous/next through all answers),
everything answered to one question, setting the stance of an answer, and reminding every body that has not
answered. What the "Svar" tab (coordination.dashboard) shows of the answers is selectors_reading.answers_overview.

Thin views: forms parse, services change (stances.py, reminders.py), selectors read (selectors_reading.py). A
consultation the user does not run, or an answer to another consultation, is "not found".
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samrad.consultations import reminders, selectors_reading, stances
from samrad.consultations.forms.reading import QuestionFilterForm, RemindAllForm, StanceForm
from samrad.consultations.models import Consultation, Question
from samrad.consultations.views.coordination import _page, managed
from samrad.errors import ServiceError
from samrad.ui.feedback import message_error

ANSWERS_PER_PAGE = 50


@managed
@require_http_methods(["GET"])
def first(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Start reading: the first answer in the order, or the "Svar" tab if none has come in."""
    submission = selectors_reading.first_answer(consultation)
    if submission is None:
        messages.info(request, _("No answers have come in yet."))
        return redirect("coordination:dashboard", pk=consultation.pk)
    return redirect("reading:answer", pk=consultation.pk, receipt_number=submission.receipt_number)


@managed
@require_http_methods(["GET"])
def answer(request: HttpRequest, consultation: Consultation, receipt_number: str) -> HttpResponse:
    submission = selectors_reading.submission_get_managed(consultation=consultation, receipt_number=receipt_number)
    reading = selectors_reading.answer_reading(consultation=consultation, submission=submission)
    return _page(
        request,
        "consultations/reading/answer.html",
        consultation,
        reading=reading,
        stance_form=StanceForm(),
    )


@managed
@require_POST
def stance_set(request: HttpRequest, consultation: Consultation, receipt_number: str, question_pk: int) -> HttpResponse:
    submission = selectors_reading.submission_get_managed(consultation=consultation, receipt_number=receipt_number)
    question = get_object_or_404(Question, pk=question_pk, consultation=consultation)
    form = StanceForm(request.POST)
    back = reverse("reading:answer", args=[consultation.pk, submission.receipt_number]) + f"#question-{question.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose a stance."))
        return redirect(back)
    try:
        stances.stance_set(
            actor=request.user, submission=submission, question=question, stance=form.cleaned_data["stance"]
        )
    except (ServiceError, ValidationError, PermissionDenied) as error:
        message_error(request, error)
    else:
        messages.success(request, _("The stance was saved, marked as set by the senders."))
    return redirect(back)


@managed
@require_http_methods(["GET"])
def question(request: HttpRequest, consultation: Consultation, question_pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=question_pk, consultation=consultation)
    filters = QuestionFilterForm(request.GET or None, consultation=consultation)
    result = selectors_reading.question_answers(consultation=consultation, question=question, filters=filters.filters())
    paginator = Paginator(result.rows, ANSWERS_PER_PAGE)
    paginator.count = result.row_count  # known from the counts: no second count of every answer
    page = paginator.get_page(request.GET.get("page"))
    rows = result.rows_of(list(page.object_list))
    return _page(
        request,
        "consultations/reading/question.html",
        consultation,
        question=question,
        result=result,
        filters=filters,
        page_obj=page,
        rows=rows,
        questions=consultation.questions.order_by("order", "id"),
    )


@managed
@require_POST
def stances_read(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Queue the reading of the stances that answers lack from their text (samrad.analysis); a coordinator then
    confirms or corrects each reading on the answer's page."""
    from samrad.analysis.tasks import stances_read as stances_read_task

    stances_read_task.enqueue(consultation.pk)
    messages.success(
        request,
        _(
            "The stances that answers lack are being read from their text. Each reading shows on the answer's page, "
            "to confirm or correct."
        ),
    )
    return redirect("coordination:dashboard", pk=consultation.pk)


@managed
@require_POST
def remind_all(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    form = RemindAllForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The message can be at most %(count)d characters long.") % {"count": reminders.MESSAGE_MAX_LENGTH},
        )
        return redirect("coordination:dashboard", pk=consultation.pk)
    try:
        outcome = reminders.reminder_send_to_all_not_answered(
            actor=request.user, consultation=consultation, message=form.cleaned_data["message"]
        )
    except (ServiceError, ValidationError, PermissionDenied) as error:
        message_error(request, error)
    else:
        if outcome.queued:
            text = ngettext(
                "Reminders to %(count)d body are being sent.",
                "Reminders to the %(count)d bodies that have not answered are being sent.",
                outcome.count,
            ) % {"count": outcome.count}
        elif outcome.count:
            text = ngettext(
                "A reminder was sent to %(count)d body.", "Reminders were sent to %(count)d bodies.", outcome.reminded
            ) % {"count": outcome.reminded}
        else:
            text = _("Every body on the list has answered or declined: nobody to remind.")
        messages.success(request, text)
    return redirect("coordination:dashboard", pk=consultation.pk)
