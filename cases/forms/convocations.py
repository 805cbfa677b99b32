import hashlib

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import countries
from cases.choices import (
    DeliveryMethod,
)
from cases.forms.common import DATE
from cases.meetings import WARNINGS_FIELD
from cases.validators import validate_multiline_text, validate_single_line

MEETING = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def digest(warnings: list[str]) -> str:
    """What the expert saw and confirmed: a checkbox ticked for other warnings confirms nothing."""
    return hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:16]


class ConfirmWarningsForm(forms.Form):
    """A form whose date may call for warnings (short notice, Sunday, public holiday, after the
    report's deadline): the checkbox appears, with the warnings listed, once the service has named
    them; it confirms these warnings only."""

    confirm_warnings = forms.BooleanField(
        label=_("Je maintiens cette date malgré ces avertissements"), required=False, widget=forms.HiddenInput
    )
    warnings_digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def confirmed(self, warnings: list[str]) -> bool:
        """The checkbox ticked for the very warnings the date calls for now."""
        data = self.cleaned_data
        return bool(data.get(WARNINGS_FIELD)) and data.get("warnings_digest") == digest(warnings)

    def show_warnings(self, warnings: list[str]) -> None:
        """The form shown again: the warnings at an unticked checkbox."""
        self.data = self.data.copy()
        self.data[self.add_prefix(WARNINGS_FIELD)] = ""
        self.data[self.add_prefix("warnings_digest")] = digest(warnings)
        self.fields[WARNINGS_FIELD].widget = forms.CheckboxInput()
        self.add_error(WARNINGS_FIELD, list(warnings))

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in (WARNINGS_FIELD, "warnings_digest")}


class ConvocationForm(ConfirmWarningsForm):
    meeting_at = forms.DateTimeField(label=_("Date et heure de la réunion"), widget=MEETING)
    place = forms.CharField(label=_("Lieu"), max_length=255, validators=[validate_single_line])
    agenda = forms.CharField(
        label=_("Objet"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        initial=_("Examen clinique de la victime, puis discussion contradictoire."),
    )
    method = forms.ChoiceField(label=_("Mode d'envoi"), choices=DeliveryMethod.choices, initial=DeliveryMethod.LRAR)
    mental_examination = forms.BooleanField(
        label=_("Examen psychiatrique ou psychologique"),
        required=False,
        help_text=_("Connu des seuls experts ; les lettres n'en disent rien."),
    )
    field_order = ["meeting_at", "place", "agenda", "method", "mental_examination"]

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The time is read in the court's zone, activated by the mission page (DOMAIN.md §11).
        self.fields["meeting_at"].help_text = gettext("Heure locale de la juridiction (%(zone)s).") % {
            "zone": countries.zone(country).key
        }


REASON_HELP = _("Le motif figure à l'historique de la mission, que lit la juridiction : aucun détail médical.")


class PostponeForm(ConfirmWarningsForm):
    new_at = forms.DateTimeField(label=_("Nouvelle date et heure"), widget=MEETING)
    reason = forms.CharField(
        label=_("Motif du report"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
        help_text=REASON_HELP,
    )
    field_order = ["new_at", "reason"]

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_at"].help_text = gettext("Heure locale de la juridiction (%(zone)s).") % {
            "zone": countries.zone(country).key
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
        help_text=_(
            "Le motif figure à l'historique de la mission, que lit la juridiction : aucun détail médical. "
            "Les lettres d'annulation ne le mentionnent pas."
        ),
    )


class HeldForm(forms.Form):
    """The meeting held: who attended it, who was present at the examination (rule 10)."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Présents à la réunion"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    at_examination = forms.TypedMultipleChoiceField(
        label=_("Présents à l'examen"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "L'examen est privé : la victime, les médecins et les personnes qu'elle choisit ; jamais les autres "
            "parties ni les avocats."
        ),
    )
    victim_agreed = forms.BooleanField(
        label=_("La victime a accepté la présence des médecins des parties à l'examen"), required=False
    )
    mental_examination = forms.BooleanField(label=_("Examen psychiatrique ou psychologique"), required=False)
    doctors_excluded = forms.BooleanField(
        label=_("Médecins des parties exclus de l'examen (examen psychiatrique ou psychologique)"), required=False
    )

    def __init__(self, *args, convocation, **kwargs):
        recipients = list(convocation.recipients.all())
        kwargs.setdefault(
            "initial",
            {
                "attended": [r.pk for r in recipients if r.attended],
                "at_examination": [r.pk for r in recipients if r.at_examination],
                "mental_examination": convocation.mental_examination,
                "doctors_excluded": convocation.doctors_excluded,
            },
        )
        super().__init__(*args, **kwargs)
        choices = [(r.pk, f"{r.name} ({r.capacity})" if r.capacity else r.name) for r in recipients]
        self.fields["attended"].choices = choices
        self.fields["at_examination"].choices = choices


class RecipientForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("N° de recommandé"), max_length=50, required=False, validators=[validate_single_line]
    )
    sent_on = forms.DateField(label=_("Envoyée le"), widget=DATE, required=False)
    receipt_on = forms.DateField(label=_("AR reçu le"), widget=DATE, required=False)
