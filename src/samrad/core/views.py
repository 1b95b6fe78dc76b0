from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from samrad.consultations.models import Consultation
from samrad.consultations.selectors_responses import consultation_list_for_user
from samrad.dialogue.selectors import my_registrations

HOME_LIST_LENGTH = 5


def home(request: HttpRequest) -> HttpResponse:
    """The start page: the open consultations the visitor may read and, for a logged-in person, their meetings."""
    open_consultations = consultation_list_for_user(user=request.user).filter(status=Consultation.Status.OPEN)
    registrations = (
        my_registrations(request.user, upcoming=True)[:HOME_LIST_LENGTH] if request.user.is_authenticated else []
    )
    return render(
        request,
        "core/home.html",
        {"open_consultations": open_consultations[:HOME_LIST_LENGTH], "registrations": registrations},
    )


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
