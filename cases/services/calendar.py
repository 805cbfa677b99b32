import secrets

from django.db import transaction

from accounts.models import User
from cases.models import CalendarFeed


@transaction.atomic
def calendar_token_renew(*, user: User) -> CalendarFeed:
    """A new secret address for the expert's calendar feed; the previous one stops working."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    return feed
