from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    CertificateKind,
    Producer,
)
from cases.forms.common import DATE, MultipleFileField, MultipleFileInput
from cases.models import Document, Mission, Party
from cases.validators import validate_multiline_text, validate_single_line


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
    """The experts' corrections of a piece. A field left out of the submission stays as it is; the
    nature, the person concerned and the producer are shown frozen once a deposited report relies
    on the piece (`frozen`)."""

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
    is_medical = forms.ChoiceField(
        label=_("Nature"),
        required=False,
        choices=[("1", _("Pièce médicale")), ("0", _("Pièce non médicale"))],
        widget=forms.RadioSelect,
        # DOMAIN §3 rules 3, 4 and 8: a non-medical piece is communicated to every party.
        help_text=_(
            "Une pièce non médicale est communiquée à toutes les parties et à la juridiction : indiquez le "
            "motif si vous retirez la qualité de pièce médicale."
        ),
    )
    about = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label=_("Personne concernée"),
        required=False,
        help_text=_("Obligatoire pour une pièce médicale."),
    )
    produced_by = forms.ChoiceField(label=_("Produite par"), required=False)
    reason = forms.CharField(
        label=_("Motif de la correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[validate_multiline_text],
        help_text=_("Conservé dans l'historique de la mission."),
    )

    def __init__(self, *args, mission: Mission, document: Document, frozen: bool = False, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": document.title,
                "date": document.date,
                "unrelated": document.unrelated,
                "is_medical": "1" if document.is_medical else "0",
                "about": document.about_id,
                "produced_by": (
                    f"party:{document.producer_party_id}" if document.producer_party_id else document.producer
                ),
            },
        )
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["produced_by"].choices = producer_choices(mission)
        self.fields["about"].queryset = mission.parties.all()
        if frozen:
            for name in ("is_medical", "about", "produced_by"):
                self.fields[name].disabled = True
            self.fields["is_medical"].help_text = _(
                "Un rapport déposé cite cette pièce : sa nature, la personne concernée et la partie productrice "
                "ne se corrigent plus."
            )

    def clean(self):
        data = super().clean()
        if data.get("is_medical") == "1" and "about" in self.data and not data.get("about"):
            self.add_error("about", gettext("Une pièce médicale concerne une personne : indiquez laquelle."))
        return data

    def corrections(self) -> dict:
        """The arguments of cases.services.documents.document_update; what was not sent stays."""
        from cases.services.documents import KEEP

        data = self.cleaned_data
        out = {
            "title": data["title"],
            "date": data["date"],
            "unrelated": data["unrelated"],
            "reason": data["reason"],
        }
        if data.get("is_medical") in ("0", "1"):
            out["is_medical"] = data["is_medical"] == "1"
        out["about"] = data.get("about") if ("about" in self.data or self.fields["about"].disabled) else KEEP
        value = data.get("produced_by")
        if value:
            if value.startswith("party:"):
                out["producer"] = Producer.PARTY
                out["producer_party"] = self.mission.parties.filter(pk=int(value[6:])).first()
            else:
                out["producer"] = value
        return out


class DocumentWithdrawForm(forms.Form):
    """The withdrawal of a piece: it stays listed, with its date and reason (nothing received is erased)."""

    reason = forms.CharField(
        label=_("Motif du retrait"),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
        # DOMAIN §3 rule 8: whoever may list the piece reads the reason, not only those who may open it.
        help_text=_(
            "Lu par tous ceux qui voient le bordereau (parties, avocats, juridiction) : n'y écrivez aucune "
            "information médicale."
        ),
    )
    on = forms.DateField(label=_("Retirée le"), widget=DATE, required=False, help_text=_("Par défaut, aujourd'hui."))


class CertificateEditForm(forms.Form):
    """The experts' correction of what they read off a certificate."""

    kind = forms.ChoiceField(label=_("Type de certificat"), choices=CertificateKind.choices)
    issued_on = forms.DateField(label=_("Établi le"), widget=DATE)
    author = forms.CharField(label=_("Auteur"), max_length=200, required=False, validators=[validate_single_line])
    lesions = forms.CharField(label=_("Lésions constatées"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    stoppage_start = forms.DateField(label=_("Début de l'arrêt"), widget=DATE, required=False)
    stoppage_days = forms.IntegerField(label=_("Durée de l'arrêt (jours)"), min_value=0, required=False)
    consolidation_date = forms.DateField(label=_("Date de consolidation"), widget=DATE, required=False)
    notes = forms.CharField(label=_("Observations"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(
        label=_("Motif de la correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[validate_multiline_text],
        help_text=_("Conservé dans l'historique de la mission, lu des seuls experts."),
    )

    def __init__(self, *args, certificate=None, **kwargs):
        if certificate is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(certificate, name)
                    for name in (
                        "kind",
                        "issued_on",
                        "author",
                        "lesions",
                        "stoppage_start",
                        "stoppage_days",
                        "consolidation_date",
                        "notes",
                    )
                },
            )
        super().__init__(*args, **kwargs)


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
