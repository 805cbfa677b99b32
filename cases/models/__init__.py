from .access_log import AccessLog
from .certificate import Certificate
from .consent import Consent, Refusal
from .convocation import Convocation, ConvocationRecipient
from .dire import Dire
from .document import Document
from .history import Change, ChangeAction
from .mission import Consignation, Court, ExpertAssignment, Extension, Mission, MissionQuestion
from .party import Party, Representative
from .reminder import CalendarFeed, Reminder

__all__ = [
    "AccessLog",
    "CalendarFeed",
    "Certificate",
    "Change",
    "ChangeAction",
    "Consent",
    "Consignation",
    "Convocation",
    "ConvocationRecipient",
    "Court",
    "Dire",
    "Document",
    "ExpertAssignment",
    "Extension",
    "Mission",
    "MissionQuestion",
    "Party",
    "Refusal",
    "Reminder",
    "Representative",
]
