from collections.abc import Sequence

from django.http import HttpRequest

from cases.models import AccessLog, Document


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a client-supplied X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(*, request: HttpRequest, document: Document, action: str, decision) -> AccessLog | None:
    """Secret rule 9: every view and download decision, allowed or denied, is one append-only row."""
    if action not in ("view", "download"):
        return None
    user = request.user if request.user.is_authenticated else None
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        mission_id=document.mission_id,
        document=document,
        action=str(action),
        allowed=decision.allowed,
        rule=str(decision.rule),
        ip=client_ip(request),
    )


def access_log_record_many(*, request: HttpRequest, action: str, rows: Sequence[tuple[Document, object]]) -> int:
    """Rule 9 for a page that shows many pieces' content at once: one row per (document, decision),
    written in one INSERT whatever their number. Returns the number of rows written."""
    if action not in ("view", "download") or not rows:
        return 0
    user = request.user if request.user.is_authenticated else None
    username = user.get_username() if user else ""
    ip = client_ip(request)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user,
                username=username,
                mission_id=document.mission_id,
                document=document,
                action=str(action),
                allowed=decision.allowed,
                rule=str(decision.rule),
                ip=ip,
            )
            for document, decision in rows
        ],
        batch_size=1000,
    )
    return len(rows)
