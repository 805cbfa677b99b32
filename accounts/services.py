from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import COURT_ROLES, Role, User


@transaction.atomic
def user_create(*, username: str, password: str, role: str, name: str = "", email: str = "", court=None) -> User:
    role = Role(role)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"L'identifiant « {username} » est déjà pris."})
    user = User(username=username, role=role, name=name, email=email, court=court if role in COURT_ROLES else None)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


# --- Two factors -----------------------------------------------------------------------------------

RECOVERY_CODES = 10


def totp_device_pending(user: User):
    """The authenticator being enrolled (one per user until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)


@transaction.atomic
def totp_confirm(*, device, token: str) -> list[str] | None:
    """Confirms the enrolment with a first code; returns the recovery codes, shown once."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(device.user)


@transaction.atomic
def recovery_codes_renew(user: User) -> list[str]:
    """Single-use recovery codes; the previous ones stop working."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
