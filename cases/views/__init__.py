"""Thin views, one module per tab of a mission: they check access through cases.access (documents)
and cases.actions (what a user may do), validate with forms, and call services."""

from cases.views.access_log import mission_access_log, mission_contradictoire
from cases.views.calendar import calendar_feed, calendar_settings
from cases.views.common import mission_page
from cases.views.consents import mission_consents
from cases.views.convocations import convocation_letter, convocation_recipient, mission_convocations
from cases.views.dashboard import dashboard, mission_create_view
from cases.views.deadlines import mission_deadlines
from cases.views.dires import mission_dires
from cases.views.documents import (
    document_detail,
    document_download,
    mission_certificates,
    mission_documents,
)
from cases.views.export import mission_export
from cases.views.history import mission_history
from cases.views.mission import (
    mission_detail,
    mission_edit,
    mission_interests,
    mission_single_expert,
    mission_status,
    mission_status_confirm,
)
from cases.views.parties import mission_parties

__all__ = [
    "calendar_feed",
    "calendar_settings",
    "convocation_letter",
    "convocation_recipient",
    "dashboard",
    "document_detail",
    "document_download",
    "mission_access_log",
    "mission_certificates",
    "mission_consents",
    "mission_contradictoire",
    "mission_convocations",
    "mission_create_view",
    "mission_deadlines",
    "mission_detail",
    "mission_dires",
    "mission_documents",
    "mission_edit",
    "mission_export",
    "mission_history",
    "mission_interests",
    "mission_page",
    "mission_parties",
    "mission_single_expert",
    "mission_status",
    "mission_status_confirm",
]
