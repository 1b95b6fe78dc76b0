"""Coordinator pages for running consultations, mounted at /samordning/."""

from django.urls import path

app_name = "coordination"

urlpatterns: list = []
