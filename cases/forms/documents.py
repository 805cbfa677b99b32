from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    CertificateKind,
    Producer,
)
from cases.forms.common import DATE, MultipleFileField, MultipleFileInput
from cases.models import Document, Mission, Party
from cases.validators import validate_single_line


def producer_choices(mission: Mission) -> list[tuple[str, str]]:
    choices = [(f"party:{p.pk}", p.name) for p in mission.parties.all()]
    return [
        *choices,
        (Producer.COURT, gettext("La juridiction")),
        (Producer.EXPERT, gettext("L'expert")),
        (Producer.THIRD_PARTY, gettext("Un tiers (hôpital, médecin traitant…)")),
    ]


class DocumentUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Fichiers"),
        help_text=_("PDF, JPEG, PNG ou TIFF. Plusieurs fichiers possibles : chacun devient une pièce."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/*"}),
    )
    produced_by = forms.ChoiceField(label=_("Produite par"))
    date = forms.DateField(label=_("Date des pièces"), widget=DATE, required=False)
    is_medical = forms.BooleanField(label=_("Pièce(s) médicale(s)"), required=False)
    about = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label=_("Personne concernée"),
        required=False,
        help_text=_("Obligatoire pour une pièce médicale."),
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["produced_by"].choices = producer_choices(mission)
        self.fields["about"].queryset = mission.parties.all()

    def clean(self):
        data = super().clean()
        if data.get("is_medical") and not data.get("about"):
            self.add_error("about", gettext("Une pièce médicale concerne une personne : indiquez laquelle."))
        return data

    def producer(self, mission: Mission) -> tuple[str, Party | None]:
        value = self.cleaned_data["produced_by"]
        if value.startswith("party:"):
            return Producer.PARTY, mission.parties.get(pk=int(value[6:]))
        return value, None


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False)
    medical = forms.ChoiceField(
        label=_("Nature"), required=False, choices=[("", _("Toutes")), ("1", _("Médicales")), ("0", _("Non médicales"))]
    )
    producer = forms.ChoiceField(label=_("Produite par"), required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].choices = [("", gettext("Tous")), *producer_choices(mission)]


class DocumentEditForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=255, validators=[validate_single_line])
    date = forms.DateField(label=_("Date"), widget=DATE, required=False)
    unrelated = forms.BooleanField(
        label=_("Sans rapport avec la mission"),
        required=False,
        # DOMAIN §3 rules 2 and 7; CPC art. 244, 247; code de déontologie médicale art. 108.
        help_text=_(
            "Pièce médicale : elle n'est plus visible que des experts et du patient (lui-même, son avocat, "
            "son médecin-conseil), quels que soient les consentements. Pièce non médicale : elle reste "
            "communiquée à toutes les parties et à la juridiction. Dans les deux cas, elle n'est plus citée "
            "dans le rapport ni dans ses annexes."
        ),
    )


class CertificateForm(forms.Form):
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label=_("Pièce médicale"))
    kind = forms.ChoiceField(label=_("Type de certificat"), choices=CertificateKind.choices)
    issued_on = forms.DateField(
        label=_("Établi le"), widget=DATE, required=False, help_text=_("Par défaut, la date de la pièce.")
    )
    author = forms.CharField(label=_("Auteur"), max_length=200, required=False, validators=[validate_single_line])
    lesions = forms.CharField(label=_("Lésions constatées"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    stoppage_start = forms.DateField(label=_("Début de l'arrêt"), widget=DATE, required=False)
    stoppage_days = forms.IntegerField(label=_("Durée de l'arrêt (jours)"), min_value=0, required=False)
    consolidation_date = forms.DateField(label=_("Date de consolidation"), widget=DATE, required=False)

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: (
            gettext("n° %(number)s — %(title)s")
            % {
                "number": d.number,
                "title": d.title,
            }
        )


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label=_("Utilisateur"), required=False)
    number = forms.IntegerField(label=_("Pièce n°"), required=False, min_value=1)
    allowed = forms.ChoiceField(
        label=_("Décision"), required=False, choices=[("", _("Toutes")), ("1", _("Autorisé")), ("0", _("Refusé"))]
    )
    since = forms.DateField(label=_("Du"), widget=DATE, required=False)
    until = forms.DateField(label=_("Au"), widget=DATE, required=False)
