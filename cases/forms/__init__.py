"""The forms of the mission's pages, one module per tab: they validate input; services decide and write."""

from cases.forms.consents import ConsentEditForm, ConsentForm, RefusalForm, RefusalLiftForm, RevokeForm
from cases.forms.convocations import ConvocationForm, RecipientForm
from cases.forms.dires import DireAnswerForm, DireForm, OwnDireForm
from cases.forms.documents import (
    AccessLogFilterForm,
    CertificateEditForm,
    CertificateForm,
    DocumentEditForm,
    DocumentFilterForm,
    DocumentUploadForm,
    DocumentWithdrawForm,
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
    "CertificateEditForm",
    "CertificateForm",
    "ClerkDatesForm",
    "ConsentEditForm",
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
    "DocumentWithdrawForm",
    "ExpertDatesForm",
    "ExtensionDecisionForm",
    "ExtensionRequestForm",
    "MissionCreateForm",
    "OwnDireForm",
    "PartyForm",
    "RecipientForm",
    "RefusalForm",
    "RefusalLiftForm",
    "RepresentativeForm",
    "RevokeForm",
    "producer_choices",
]
