"""Public and respondent pages of consultations, mounted at /remisser/."""

from django.urls import path

app_name = "consultations"

urlpatterns: list = []
