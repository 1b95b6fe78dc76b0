"""Public and respondent pages of consultations, mounted at /remisser/."""

from django.urls import path, register_converter

from samrad.consultations.receipts import RECEIPT_NUMBER_PATTERN
from samrad.consultations.views import answer_pdfs
from samrad.consultations.views import delegation as delegation_views
from samrad.consultations.views import respond as views


class ReceiptNumberConverter:
    regex = RECEIPT_NUMBER_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReceiptNumberConverter, "receipt")

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("mina/", views.my_consultations, name="mine"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/dokument/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/missiv/", views.letter_pdf_download, name="letter_pdf"),
    path("<int:pk>/svar/<int:organisation_pk>/", views.respond, name="respond"),
    path(
        "<int:pk>/svar/<int:organisation_pk>/fragor/<int:question_pk>/spara/",
        views.autosave_answer,
        name="autosave_answer",
    ),
    path("<int:pk>/svar/<int:organisation_pk>/uppgifter/spara/", views.autosave_details, name="autosave_details"),
    path("<int:pk>/svar/<int:organisation_pk>/bilagor/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/svar/<int:organisation_pk>/bilagor/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/svar/<int:organisation_pk>/bilagor/<int:attachment_pk>/ta-bort/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/svar/<int:organisation_pk>/vidarebefordra/", delegation_views.pass_on, name="pass_on"),
    path(
        "<int:pk>/svar/<int:organisation_pk>/vidarebefordra/<int:delegation_pk>/aterkalla/",
        delegation_views.pass_on_withdraw,
        name="pass_on_withdraw",
    ),
    path("<int:pk>/svar/<int:organisation_pk>/skicka/", views.submit, name="submit"),
    path("<int:pk>/svar/<int:organisation_pk>/avsta/", views.decline, name="decline"),
    path("<int:pk>/svar/<int:organisation_pk>/anstand/", views.extension, name="extension"),
    path("<int:pk>/svar/<int:organisation_pk>/medundertecknare/", views.cosigner_invite, name="cosigner_invite"),
    path("<int:pk>/svar/<int:organisation_pk>/medundertecknare/sok/", views.cosigner_search, name="cosigner_search"),
    path(
        "<int:pk>/svar/<int:organisation_pk>/medundertecknare/<int:signatory_pk>/ta-bort/",
        views.cosigner_remove,
        name="cosigner_remove",
    ),
    path("<int:pk>/medundertecknande/<int:signatory_pk>/", views.cosign, name="cosign"),
    path("<int:pk>/kvitto/<receipt:receipt_number>/", views.receipt, name="receipt"),
    path("<int:pk>/kvitto/<receipt:receipt_number>/remissvar.pdf", answer_pdfs.receipt_pdf, name="receipt_pdf"),
    path(
        "<int:pk>/kvitto/<receipt:receipt_number>/filer/<int:file_pk>/",
        views.submission_file,
        name="submission_file",
    ),
]
