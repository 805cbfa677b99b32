from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("compte/double-authentification/activation/", views.otp_setup, name="otp_setup"),
    path("compte/double-authentification/", views.otp_verify, name="otp_verify"),
    path("compte/securite/", views.security, name="security"),
    path("invitation/<str:token>/", views.invitation, name="invitation_accept"),
    path("langue/", views.set_language, name="set_language"),
]
