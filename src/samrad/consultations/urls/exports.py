"""Downloads of a consultation's answers for its coordinators; mounted next to the coordinator pages at
/samordning/ (e.g. /samordning/12/export/remissvar.csv)."""

from django.urls import path

from samrad.consultations.views import exports as views

app_name = "consultation_exports"

urlpatterns = [
    path("<int:pk>/export/remissvar.csv", views.responses_csv, name="csv"),
    path("<int:pk>/export/remissvar.xlsx", views.responses_xlsx, name="xlsx"),
    path("<int:pk>/export/bilagor.zip", views.attachments_zip, name="attachments"),
]
