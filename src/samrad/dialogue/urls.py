"""Dialogue pages, mounted at /dialog/: participants' and public pages first, the coordinators' under hantera/."""

from django.urls import path

from samrad.dialogue.views import organisers as views_staff
from samrad.dialogue.views import participants as views

app_name = "dialogue"

urlpatterns = [
    path("", views.series_list, name="list"),
    path("mina-moten/", views.my_meetings, name="my_meetings"),
    path("<int:pk>/", views.series_detail, name="series"),
    path("<int:pk>/kalender.ics", views.feed, name="feed"),
    path("<int:pk>/kalender/<str:token>.ics", views.feed_token, name="feed_token"),
    path("<int:pk>/inspel/", views.series_inputs, name="inputs"),
    path("inspel/<int:pk>/bilaga/", views.input_attachment, name="input_attachment"),
    path("mote/<int:pk>/", views.meeting_detail, name="meeting"),
    path("mote/<int:pk>/anmal/", views.meeting_register, name="register"),
    path("mote/<int:pk>/avanmal/", views.meeting_unregister, name="unregister"),
    path("mote/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("mote/<int:pk>/dokument/<int:document_pk>/", views.meeting_document, name="document"),
    # Coordinators
    path("hantera/", views_staff.manage_list, name="manage_list"),
    path("hantera/ny/", views_staff.manage_create, name="manage_create"),
    path("hantera/<int:pk>/", views_staff.manage_series, name="manage_series"),
    path("hantera/<int:pk>/andra/", views_staff.manage_edit, name="manage_edit"),
    path("hantera/<int:pk>/amnen/", views_staff.manage_topics, name="manage_topics"),
    path("hantera/<int:pk>/amnen/<int:topic_pk>/ta-bort/", views_staff.topic_remove, name="topic_remove"),
    path("hantera/<int:pk>/inbjudna/", views_staff.manage_invited, name="manage_invited"),
    path("hantera/<int:pk>/inbjudna/lagg-till/", views_staff.manage_invite_add, name="manage_invite_add"),
    path(
        "hantera/<int:pk>/inbjudna/<int:organisation_pk>/ta-bort/",
        views_staff.manage_uninvite,
        name="manage_uninvite",
    ),
    path("hantera/<int:pk>/nyheter/", views_staff.manage_news, name="manage_news"),
    path("hantera/<int:pk>/moten/nytt/", views_staff.meeting_create, name="meeting_create"),
    path("hantera/<int:pk>/inspel/", views_staff.manage_inputs, name="manage_inputs"),
    path("hantera/<int:pk>/inspel/<int:input_pk>/koppla/", views_staff.input_link, name="input_link"),
    path("hantera/<int:pk>/deltagande/", views_staff.participation, name="participation"),
    path(
        "hantera/<int:pk>/deltagande/<int:organisation_pk>/",
        views_staff.participation_organisation,
        name="participation_organisation",
    ),
    path("hantera/mote/<int:pk>/", views_staff.manage_meeting, name="manage_meeting"),
    path("hantera/mote/<int:pk>/andra/", views_staff.meeting_edit, name="meeting_edit"),
    path("hantera/mote/<int:pk>/stall-in/", views_staff.meeting_cancel, name="meeting_cancel"),
    path("hantera/mote/<int:pk>/skicka-inbjudan/", views_staff.meeting_invite, name="meeting_invite"),
    path("hantera/mote/<int:pk>/dokument/", views_staff.meeting_document_add, name="document_add"),
    path(
        "hantera/mote/<int:pk>/dokument/<int:document_pk>/ta-bort/",
        views_staff.meeting_document_remove,
        name="document_remove",
    ),
    path(
        "hantera/mote/<int:pk>/anmalan/<int:registration_pk>/avboka/",
        views_staff.registration_cancel,
        name="registration_cancel",
    ),
    path("hantera/mote/<int:pk>/narvaro/", views_staff.meeting_attendance, name="attendance"),
    path(
        "hantera/mote/<int:pk>/narvaro/<int:attendance_pk>/ta-bort/",
        views_staff.attendance_remove,
        name="attendance_remove",
    ),
    path("hantera/mote/<int:pk>/anteckningar/", views_staff.meeting_minutes, name="minutes"),
    path("hantera/mote/<int:pk>/atgarder/", views_staff.meeting_action_points, name="action_points"),
    path(
        "hantera/mote/<int:pk>/atgarder/<int:point_pk>/",
        views_staff.action_point_toggle,
        name="action_point_toggle",
    ),
]
