from django.urls import path

from cases import views
from cases.views import convocations as convocation_views

app_name = "cases"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("missions/nouvelle/", views.mission_create_view, name="mission_create"),
    path("missions/<int:pk>/", views.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/etat/", views.mission_status, name="mission_status"),
    path("missions/<int:pk>/etat/confirmer/", views.mission_status_confirm, name="mission_status_confirm"),
    path("missions/<int:pk>/modifier/", views.mission_edit, name="mission_edit"),
    path("missions/<int:pk>/historique/", views.mission_history, name="mission_history"),
    path("missions/<int:pk>/parties/", views.mission_parties, name="mission_parties"),
    path("missions/<int:pk>/pieces/", views.mission_documents, name="mission_documents"),
    path("missions/<int:pk>/certificats/", views.mission_certificates, name="mission_certificates"),
    path("missions/<int:pk>/convocations/", views.mission_convocations, name="mission_convocations"),
    path("missions/<int:pk>/dires/", views.mission_dires, name="mission_dires"),
    path("missions/<int:pk>/consentements/", views.mission_consents, name="mission_consents"),
    path("pieces/<int:pk>/", views.document_detail, name="document_detail"),
    path("pieces/<int:pk>/fichier/", views.document_download, name="document_download"),
]

urlpatterns += [
    path("missions/<int:pk>/pieces/archive.zip", views.mission_export, name="mission_export"),
    path("missions/<int:pk>/journal/", views.mission_access_log, name="mission_access_log"),
    path("missions/<int:pk>/contradictoire/", views.mission_contradictoire, name="mission_contradictoire"),
    path("missions/<int:pk>/interets/", views.mission_interests, name="mission_interests"),
    path("missions/<int:pk>/expert-unique/", views.mission_single_expert, name="mission_single_expert"),
]

urlpatterns += [
    path("missions/<int:pk>/echeances/", views.mission_deadlines, name="mission_deadlines"),
    path(
        "missions/<int:pk>/convocations/destinataires/<int:recipient_id>/lettre.pdf",
        views.convocation_letter,
        name="convocation_letter",
    ),
    path(
        "missions/<int:pk>/convocations/destinataires/<int:recipient_id>/",
        views.convocation_recipient,
        name="convocation_recipient",
    ),
    path("missions/<int:pk>/convocations/report/", convocation_views.convocation_postpone, name="convocation_postpone"),
    path("missions/<int:pk>/convocations/annulation/", convocation_views.convocation_cancel, name="convocation_cancel"),
    path("missions/<int:pk>/convocations/tenue/", convocation_views.convocation_held, name="convocation_held"),
    path("agenda/", views.calendar_settings, name="calendar_settings"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
