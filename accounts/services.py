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
