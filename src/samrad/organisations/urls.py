from django.urls import path

from samrad.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("ny/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/andra/", views.organisation_edit, name="edit"),
    path("<int:pk>/nytt-namn/", views.organisation_rename, name="rename"),
    path("<int:pk>/kontakter/ny/", views.contact_add, name="contact_add"),
    path("<int:pk>/kontakter/<int:contact_pk>/andra/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/kontakter/<int:contact_pk>/ta-bort/", views.contact_remove, name="contact_remove"),
    path("import/", views.register_import_page, name="import"),
    path("grupper/", views.groups_overview, name="groups"),
    path("grupper/ny/", views.group_create, name="group_create"),
    path("grupper/<int:pk>/andra/", views.group_edit, name="group_edit"),
    path("indelningar/ny/", views.division_create, name="division_create"),
    path("indelningar/<int:pk>/andra/", views.division_edit, name="division_edit"),
]
