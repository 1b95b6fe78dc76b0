"""The knowledge base, mounted at /kunskapsbank/."""

from django.urls import path

from samrad.library.views import documents as views

app_name = "library"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/fil/", views.document_file, name="file"),
    path("hantera/", views.manage_list, name="manage"),
    path("hantera/ny/", views.document_create, name="create"),
    path("hantera/<int:pk>/andra/", views.document_edit, name="edit"),
    path("hantera/<int:pk>/ta-bort/", views.document_delete, name="delete"),
]
