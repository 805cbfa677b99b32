from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def two_factors_required(app_configs, **kwargs):
    """Production refuses to run without two factors (PGSSI-S, remote access to health data)."""
    if not getattr(settings, "OTP_REQUIRED", False):
        return [
            Error(
                "OTP_REQUIRED est désactivé : l'accès distant à des données de santé exige deux facteurs.",
                hint="Retirez OTP_REQUIRED=false de l'environnement de production.",
                id="accounts.E001",
            )
        ]
    return []
