from django.urls import path

from reports import calculators, views

app_name = "reports"

urlpatterns = [
    path("missions/<int:pk>/rapport/", views.mission_report, name="mission_report"),
    path("missions/<int:pk>/rapport/pdf/<str:kind>/", views.report_render, name="report_render"),
    path("missions/<int:pk>/rapport/calcul.json", calculators.report_calculate, name="report_calculate"),
    # the confirmation page before the pre-report ("pre_report"), the deposit or a complement ("final")
    path("missions/<int:pk>/rapport/confirmer/<str:kind>/", views.report_publish, name="report_publish"),
    path("rapports/generations/<int:job_id>/", views.render_job, name="render_job"),
    path("rapports/generations/<int:job_id>/etat.json", views.render_job_status, name="render_job_status"),
    path("rapports/generations/<int:job_id>/projet.pdf", views.render_job_pdf, name="render_job_pdf"),
    path("rapports/versions/<int:version_id>.pdf", views.version_pdf, name="version_pdf"),
]
