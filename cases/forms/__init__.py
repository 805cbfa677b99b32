"""The forms of the mission's pages, one module per tab: they validate input; services decide and write."""

from cases.forms.consents import ConsentForm, RefusalForm, RevokeForm
from cases.forms.convocations import ConvocationForm, RecipientForm
from cases.forms.dires import DireAnswerForm, DireForm, OwnDireForm
from cases.forms.documents import (
    AccessLogFilterForm,
    CertificateForm,
    DocumentEditForm,
    DocumentFilterForm,
    DocumentUploadForm,
    producer_choices,
)
from cases.forms.mission import (
    ClerkDatesForm,
    ConsignationComplementForm,
    ConsignationPayForm,
    DashboardFilterForm,
    ExpertDatesForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MissionCreateForm,
)
from cases.forms.parties import PartyForm, RepresentativeForm

__all__ = [
    "AccessLogFilterForm",
    "CertificateForm",
    "ClerkDatesForm",
    "ConsentForm",
    "ConsignationComplementForm",
    "ConsignationPayForm",
    "ConvocationForm",
    "DashboardFilterForm",
    "DireAnswerForm",
    "DireForm",
    "DocumentEditForm",
    "DocumentFilterForm",
    "DocumentUploadForm",
    "ExpertDatesForm",
    "ExtensionDecisionForm",
    "ExtensionRequestForm",
    "MissionCreateForm",
    "OwnDireForm",
    "PartyForm",
    "RecipientForm",
    "RefusalForm",
    "RepresentativeForm",
    "RevokeForm",
    "producer_choices",
]
