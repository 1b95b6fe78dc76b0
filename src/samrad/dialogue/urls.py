"""Dialogue pages, mounted at /dialog/: participants' and public pages first, the coordinators' under hantera/."""

from django.urls import path

from samrad.dialogue.views import organisers, participants

app_name = "dialogue"

urlpatterns = [
    path("", participants.series_list, name="list"),
    path("mina-moten/", participants.my_meetings, name="my_meetings"),
    path("<int:pk>/", participants.series_detail, name="series"),
    path("<int:pk>/kalender.ics", participants.feed, name="feed"),
    path("<int:pk>/kalender/<str:token>.ics", participants.feed_token, name="feed_token"),
    path("<int:pk>/inspel/", participants.series_inputs, name="inputs"),
    path("inspel/<int:pk>/bilaga/", participants.input_attachment, name="input_attachment"),
    path("mote/<int:pk>/", participants.meeting_detail, name="meeting"),
    path("mote/<int:pk>/anmal/", participants.meeting_register, name="register"),
    path("mote/<int:pk>/avanmal/", participants.meeting_unregister, name="unregister"),
    path("mote/<int:pk>/kalender.ics", participants.meeting_ics, name="meeting_ics"),
    path("mote/<int:pk>/dokument/<int:document_pk>/", participants.meeting_document, name="document"),
    # Coordinators
    path("hantera/", organisers.manage_list, name="manage_list"),
    path("hantera/ny/", organisers.manage_create, name="manage_create"),
    path("hantera/<int:pk>/", organisers.manage_series, name="manage_series"),
    path("hantera/<int:pk>/andra/", organisers.manage_edit, name="manage_edit"),
    path("hantera/<int:pk>/amnen/", organisers.manage_topics, name="manage_topics"),
    path("hantera/<int:pk>/amnen/<int:topic_pk>/ta-bort/", organisers.topic_remove, name="topic_remove"),
    path("hantera/<int:pk>/inbjudna/", organisers.manage_invited, name="manage_invited"),
    path("hantera/<int:pk>/inbjudna/lagg-till/", organisers.manage_invite_add, name="manage_invite_add"),
    path(
        "hantera/<int:pk>/inbjudna/<int:organisation_pk>/ta-bort/",
        organisers.manage_uninvite,
        name="manage_uninvite",
    ),
    path("hantera/<int:pk>/nyheter/", organisers.manage_news, name="manage_news"),
    path("hantera/<int:pk>/moten/nytt/", organisers.meeting_create, name="meeting_create"),
    path("hantera/<int:pk>/inspel/", organisers.manage_inputs, name="manage_inputs"),
    path("hantera/<int:pk>/inspel/<int:input_pk>/koppla/", organisers.input_link, name="input_link"),
    path("hantera/<int:pk>/deltagande/", organisers.participation, name="participation"),
    path(
        "hantera/<int:pk>/deltagande/<int:organisation_pk>/",
        organisers.participation_organisation,
        name="participation_organisation",
    ),
    path("hantera/mote/<int:pk>/", organisers.manage_meeting, name="manage_meeting"),
    path("hantera/mote/<int:pk>/andra/", organisers.meeting_edit, name="meeting_edit"),
    path("hantera/mote/<int:pk>/stall-in/", organisers.meeting_cancel, name="meeting_cancel"),
    path("hantera/mote/<int:pk>/skicka-inbjudan/", organisers.meeting_invite, name="meeting_invite"),
    path("hantera/mote/<int:pk>/dokument/", organisers.meeting_document_add, name="document_add"),
    path(
        "hantera/mote/<int:pk>/dokument/<int:document_pk>/ta-bort/",
        organisers.meeting_document_remove,
        name="document_remove",
    ),
    path(
        "hantera/mote/<int:pk>/anmalan/<int:registration_pk>/avboka/",
        organisers.registration_cancel,
        name="registration_cancel",
    ),
    path("hantera/mote/<int:pk>/narvaro/", organisers.meeting_attendance, name="attendance"),
    path(
        "hantera/mote/<int:pk>/narvaro/<int:attendance_pk>/ta-bort/",
        organisers.attendance_remove,
        name="attendance_remove",
    ),
    path("hantera/mote/<int:pk>/anteckningar/", organisers.meeting_minutes, name="minutes"),
    path("hantera/mote/<int:pk>/atgarder/", organisers.meeting_action_points, name="action_points"),
    path(
        "hantera/mote/<int:pk>/atgarder/<int:point_pk>/",
        organisers.action_point_toggle,
        name="action_point_toggle",
    ),
]
