"""Coordinator pages for running consultations, mounted at /samordning/."""

from django.urls import path

from samrad.consultations.views import answer_pdfs
from samrad.consultations.views import coordination as views

app_name = "coordination"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("ny/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/andra/", views.consultation_edit, name="edit"),
    path("<int:pk>/missiv/", views.letter_edit, name="letter"),
    path("<int:pk>/forhandsvisa-inbjudan/", views.invitation_preview, name="invitation_preview"),
    path("<int:pk>/fragor/", views.question_list, name="questions"),
    path("<int:pk>/fragor/<int:question_pk>/andra/", views.question_edit, name="question_edit"),
    path("<int:pk>/fragor/<int:question_pk>/ta-bort/", views.question_remove, name="question_remove"),
    path("<int:pk>/fragor/<int:question_pk>/flytta/", views.question_move, name="question_move"),
    path("<int:pk>/dokument/", views.document_list, name="documents"),
    path("<int:pk>/dokument/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/dokument/<int:document_pk>/ta-bort/", views.document_remove, name="document_remove"),
    path("<int:pk>/remisslista/", views.referral_list, name="referrals"),
    path("<int:pk>/remisslista/lagg-till/", views.referral_add, name="referral_add"),
    path("<int:pk>/remisslista/<int:referral_pk>/ta-bort/", views.referral_remove, name="referral_remove"),
    path("<int:pk>/remisslista/<int:referral_pk>/mer-tid/", views.extension_direct, name="extension_direct"),
    path("<int:pk>/oppna/", views.consultation_open, name="open"),
    path("<int:pk>/inbjudningar/", views.invitation_status, name="invitation_status"),
    path("<int:pk>/stang/", views.consultation_close, name="close"),
    path("<int:pk>/oppna-igen/", views.consultation_reopen, name="reopen"),
    path("<int:pk>/oversikt/", views.dashboard, name="dashboard"),
    path("<int:pk>/oversikt/paminn/", views.remind, name="remind"),
    path("<int:pk>/anstand/<int:request_pk>/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/registrera-svar/", views.register_answer, name="register_answer"),
    path("<int:pk>/registrera-svar/oombett/", views.register_unsolicited, name="register_unsolicited"),
    path("<int:pk>/svar/<str:receipt_number>/remissvar.pdf", answer_pdfs.submission_pdf, name="submission_pdf"),
]
