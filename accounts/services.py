import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import (
    COURT_ROLES,
    SEAT_ROLES,
    Invitation,
    Language,
    Role,
    User,
    invitation_lifetime,
    token_digest,
)

logger = logging.getLogger("accounts.invitations")


def email_normalize(email: str) -> str:
    return User.objects.normalize_email((email or "").strip())


def active_account_for_email(email: str) -> User | None:
    """The active account that this e-mail address names, if any (addresses are compared without
    case: they are unique among active accounts)."""
    email = email_normalize(email)
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()


def _check_email_free(email: str, *, exclude: User | None = None) -> None:
    if not email:
        return
    taken = User.objects.filter(email__iexact=email, is_active=True)
    if exclude is not None and exclude.pk is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"email": _("Un compte actif utilise déjà cette adresse e-mail.")}, code="email_taken")


@transaction.atomic
def user_create(*, username: str, password: str, role: str, name: str = "", email: str = "", court=None) -> User:
    role = Role(role)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("L'identifiant « %(username)s » est déjà pris.") % {"username": username}})
    email = email_normalize(email)
    _check_email_free(email)
    user = User(username=username, role=role, name=name, email=email, court=court if role in COURT_ROLES else None)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Remembers on the account the language of the interface that the user chose."""
    language = Language(language)
    if user.language != language:
        user.language = language
        user.clean_fields(exclude=[field.name for field in User._meta.fields if field.name != "language"])
        user.save(update_fields=["language"])
    return user


# --- Invitations -----------------------------------------------------------------------------------


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('accounts:invitation_accept', args=[token])}"


@transaction.atomic
def invitation_create(*, invited_by: User, mission, party, role: str, email: str) -> Invitation:
    """Records the invitation and, once the transaction is committed, e-mails its link. The
    caller (cases.services.parties.seat_by_email) has checked who invites and the seat's rules.
    A pending invitation to the same seat is replaced: only the newest link works.

    The e-mail names no mission, party or court: whoever reads it over the invitee's shoulder
    learns nothing of the case (art. 160 CPC)."""
    role = Role(role)
    if role not in SEAT_ROLES:
        raise ValueError(f"no invitation for role {role!r}")
    email = email_normalize(email)
    now = timezone.now()
    Invitation.objects.pending().filter(email__iexact=email, party=party, role=role).update(cancelled_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        role=role,
        mission=mission,
        party=party,
        token_hash=token_digest(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + invitation_lifetime(),
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _send_invitation(invitation, token))
    return invitation


def _invitation_language(invitation: Invitation) -> str:
    """The invitee has no account, hence no saved language: the mission's language once missions
    have one, else the language of the page where the expert invited him."""
    language = getattr(invitation.mission, "language", "") or translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _send_invitation(invitation: Invitation, token: str) -> None:
    with translation.override(_invitation_language(invitation)):
        subject = _("Invitation à rejoindre une expertise médicale judiciaire")
        body = _(
            "Bonjour,\n\n"
            "%(inviter)s vous invite à créer votre compte sur la plateforme d'expertise médicale judiciaire, "
            "en qualité de %(role)s.\n\n"
            "Ouvrez ce lien pour choisir votre nom et votre mot de passe (il ne sert qu'une fois et expire le "
            "%(expires)s) :\n%(url)s\n\n"
            "Si vous n'attendiez pas cette invitation, ignorez ce message."
        ) % {
            "inviter": invitation.invited_by.display_name,
            "role": invitation.get_role_display().lower(),
            "expires": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y"),
            "url": invitation_url(token),
        }
    send_mail(subject, body, None, [invitation.email])
    logger.info("invitation sent id=%s role=%s by=%s", invitation.pk, invitation.role, invitation.invited_by_id)


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("invited_by", "party", "mission")
        .filter(token_hash=token_digest(token))
        .first()
    )


def invitation_refusal(invitation: Invitation | None) -> str:
    """Why this link cannot be used, in the active language; "" when it can."""
    if invitation is None:
        return _("Ce lien d'invitation n'est pas valable. Vérifiez qu'il a été copié en entier.")
    if invitation.is_used:
        return _("Ce lien d'invitation a déjà servi : il ne sert qu'une fois. Connectez-vous avec votre identifiant.")
    if invitation.is_cancelled:
        return _("Cette invitation a été annulée ou remplacée par une invitation plus récente.")
    if invitation.is_expired:
        return _("Ce lien d'invitation a expiré. Demandez à l'expert de vous inviter à nouveau.")
    return ""


@dataclass(frozen=True)
class Accepted:
    user: User
    invitation: Invitation


@transaction.atomic
def invitation_accept(*, token: str, name: str, password: str) -> Accepted:
    """Creates the account with the invitation's e-mail and role and takes its seat, once. The
    seat is taken under the same rules as seating an existing account (cases.services.parties),
    in the name of the expert who invited: if he may no longer seat people in the mission, the
    invitation is void."""
    from cases.services.parties import seat_user

    found = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
    refusal = invitation_refusal(invitation)
    if refusal:
        raise ValidationError(refusal, code="invitation_invalid")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez votre nom.")})
    if active_account_for_email(invitation.email) is not None:
        raise ValidationError(
            _(
                "Un compte utilise déjà cette adresse e-mail : connectez-vous avec lui, ou demandez à l'expert "
                "de vous inviter à une autre adresse."
            ),
            code="email_taken",
        )
    username = _free_username(invitation.email)
    probe = User(username=username, email=invitation.email, name=name, role=invitation.role)
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user = user_create(username=username, password=password, role=invitation.role, name=name, email=invitation.email)
    try:
        seat_user(by=invitation.invited_by, party=invitation.party, user=user)
    except PermissionDenied:
        raise ValidationError(
            _("Cette invitation n'est plus valable : la personne qui vous a invité ne siège plus dans la mission."),
            code="invitation_invalid",
        ) from None
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    logger.info("invitation accepted id=%s user=%s", invitation.pk, user.pk)
    return Accepted(user=user, invitation=invitation)


def _free_username(email: str) -> str:
    """The login is the e-mail address (lower case); a suffix when an old, inactive account holds it."""
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


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
