from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Role, User
from cases.choices import (
    CertificateKind,
    DeliveryMethod,
    Framework,
    GranteeKind,
    MissionKind,
    PartyRole,
    Producer,
)
from cases.models import Court, Document, Mission, Party
from cases.uploads import refusal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _user_choice(role: str, label: str, *, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=User.objects.filter(role=role, is_active=True).order_by("name", "username"),
        label=label,
        required=required,
    )


class MissionCreateForm(forms.Form):
    court = forms.ModelChoiceField(queryset=Court.objects.all(), label="Juridiction")
    rg = forms.CharField(label="Numéro RG", max_length=50)
    title = forms.CharField(
        label="Intitulé de l'affaire", max_length=255, help_text="Par exemple : Dupont c/ Atlas Assurances"
    )
    framework = forms.ChoiceField(label="Cadre", choices=Framework.choices)
    kind = forms.ChoiceField(label="Type de mission", choices=MissionKind.choices, initial=MissionKind.INITIAL)
    ordered_on = forms.DateField(label="Date de la décision", widget=DATE)
    judge = forms.CharField(label="Juge chargé du contrôle", max_length=200, required=False)
    report_due = forms.DateField(label="Date limite de dépôt du rapport", widget=DATE)
    consignation_amount = forms.DecimalField(
        label="Montant de la consignation", max_digits=12, decimal_places=3, required=False, min_value=0
    )
    consignation_due = forms.DateField(label="À consigner avant le", widget=DATE, required=False)
    questions = forms.CharField(
        label="Questions de la mission",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Une question par ligne, dans l'ordre de la décision. Le modèle proposé selon le cadre "
        "est à adapter au texte exact de la décision.",
    )

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        questions = [_strip_number(line) for line in lines if line]
        if not questions:
            raise ValidationError("Saisissez au moins une question.")
        return questions

    def clean(self):
        data = super().clean()
        if data.get("ordered_on") and data.get("report_due") and data["report_due"] < data["ordered_on"]:
            self.add_error("report_due", "La date de dépôt ne peut précéder la date de la décision.")
        if data.get("consignation_amount") and not data.get("consignation_due"):
            self.add_error("consignation_due", "Indiquez la date limite de la consignation.")
        return data


def _strip_number(line: str) -> str:
    """'1/ Examiner la victime.' or '2. Dire si...' -> the question alone."""
    head, sep, rest = line.partition(" ")
    if sep and head.rstrip("/.)-°").isdigit():
        return rest.strip()
    return line


class PartyForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    role = forms.ChoiceField(label="Qualité", choices=PartyRole.choices)
    is_victim = forms.BooleanField(label="Victime (personne examinée)", required=False)
    is_insurer = forms.BooleanField(label="Assureur", required=False)
    opposable = forms.BooleanField(label="Partie à l'instance (expertise opposable)", required=False, initial=True)
    account = _user_choice(Role.PARTY, "Compte de la partie (facultatif)", required=False)


class RepresentativeForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label="Partie représentée")
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=[Role.AVOCAT, Role.MEDECIN_CONSEIL], is_active=True).order_by(
            "role", "name"
        ),
        label="Avocat ou médecin-conseil",
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = mission.parties.all()
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name} — {u.get_role_display()}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            return []
        return [self._clean_one(item, initial) for item in items]

    def _clean_one(self, item, initial):
        try:
            return super().clean(item, initial)
        except ValidationError as exc:
            if getattr(item, "name", None) and any(e.code == "empty" for e in exc.error_list):
                raise refusal(item.name, "le fichier est vide.") from None
            raise


def producer_choices(mission: Mission) -> list[tuple[str, str]]:
    choices = [(f"party:{p.pk}", p.name) for p in mission.parties.all()]
    return [
        *choices,
        (Producer.COURT, "La juridiction"),
        (Producer.EXPERT, "L'expert"),
        (Producer.THIRD_PARTY, "Un tiers (hôpital, médecin traitant…)"),
    ]


class DocumentUploadForm(forms.Form):
    files = MultipleFileField(
        label="Fichiers",
        help_text="PDF, JPEG, PNG ou TIFF. Plusieurs fichiers possibles : chacun devient une pièce.",
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/*"}),
    )
    produced_by = forms.ChoiceField(label="Produite par")
    date = forms.DateField(label="Date des pièces", widget=DATE, required=False)
    is_medical = forms.BooleanField(label="Pièce(s) médicale(s)", required=False)
    about = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label="Personne concernée",
        required=False,
        help_text="Obligatoire pour une pièce médicale.",
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["produced_by"].choices = producer_choices(mission)
        self.fields["about"].queryset = mission.parties.all()

    def clean(self):
        data = super().clean()
        if data.get("is_medical") and not data.get("about"):
            self.add_error("about", "Une pièce médicale concerne une personne : indiquez laquelle.")
        return data

    def producer(self, mission: Mission) -> tuple[str, Party | None]:
        value = self.cleaned_data["produced_by"]
        if value.startswith("party:"):
            return Producer.PARTY, mission.parties.get(pk=int(value[6:]))
        return value, None


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False)
    medical = forms.ChoiceField(
        label="Nature", required=False, choices=[("", "Toutes"), ("1", "Médicales"), ("0", "Non médicales")]
    )
    producer = forms.ChoiceField(label="Produite par", required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].choices = [("", "Tous"), *producer_choices(mission)]


class DocumentEditForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=255)
    date = forms.DateField(label="Date", widget=DATE, required=False)
    unrelated = forms.BooleanField(
        label="Sans rapport avec la mission",
        required=False,
        help_text="La pièce ne sera plus visible que des experts et du patient, et n'entrera pas dans le rapport.",
    )


class CertificateForm(forms.Form):
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label="Pièce médicale")
    kind = forms.ChoiceField(label="Type de certificat", choices=CertificateKind.choices)
    issued_on = forms.DateField(
        label="Établi le", widget=DATE, required=False, help_text="Par défaut, la date de la pièce."
    )
    author = forms.CharField(label="Auteur", max_length=200, required=False)
    lesions = forms.CharField(label="Lésions constatées", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    stoppage_start = forms.DateField(label="Début de l'arrêt", widget=DATE, required=False)
    stoppage_days = forms.IntegerField(label="Durée de l'arrêt (jours)", min_value=0, required=False)
    consolidation_date = forms.DateField(label="Date de consolidation", widget=DATE, required=False)

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: f"n° {d.number} — {d.title}"


class ConvocationForm(forms.Form):
    meeting_at = forms.DateTimeField(
        label="Date et heure de la réunion", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="Lieu", max_length=255)
    agenda = forms.CharField(
        label="Objet",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        initial="Examen clinique de la victime, puis discussion contradictoire.",
    )
    method = forms.ChoiceField(label="Mode d'envoi", choices=DeliveryMethod.choices, initial=DeliveryMethod.LRAR)


class DireForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label="Partie")
    filed_by = forms.ModelChoiceField(queryset=User.objects.none(), label="Avocat", required=False)
    received_on = forms.DateField(label="Reçu le", widget=DATE)
    text = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = mission.parties.all()
        self.fields["filed_by"].queryset = User.objects.filter(
            representations__party__mission=mission, role=Role.AVOCAT
        ).distinct()


class DireAnswerForm(forms.Form):
    answer = forms.CharField(label="Réponse de l'expert", widget=forms.Textarea(attrs={"rows": 3}))


def _piece_label(document) -> str:
    """A medical piece the user may not open is named by its number and date only (rule 8)."""
    if getattr(document, "openable", False):
        return f"n° {document.number} — {document.title}"
    when = f" du {document.date:%d/%m/%Y}" if document.date else ""
    return f"n° {document.number}{when} — pièce médicale"


class ConsentForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Party.objects.none(), label="Patient")
    grantee = forms.ChoiceField(label="Au profit de", choices=GranteeKind.choices)
    grantee_party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label="Partie bénéficiaire",
        required=False,
        help_text="Son médecin-conseil pourra consulter les pièces couvertes.",
    )
    written = forms.BooleanField(label="Consentement écrit", required=False)
    scan = forms.FileField(label="Consentement signé (scan)", required=False)
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        label="Pièces couvertes",
        required=False,
        help_text="Aucune pièce choisie : toutes les pièces médicales du patient.",
    )
    granted_on = forms.DateField(label="Donné le", widget=DATE)

    def __init__(self, *args, mission: Mission, patients, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["grantee_party"].queryset = mission.parties.all()
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = _piece_label


class RefusalForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Party.objects.none(), label="Patient")
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label="Pièce refusée")
    refused_on = forms.DateField(label="Refusé le", widget=DATE)
    note = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, patients, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = _piece_label


class OwnDireForm(forms.Form):
    """A dire written by a party's avocat (filed) or médecin-conseil (a draft for the avocat)."""

    party = forms.ModelChoiceField(queryset=Party.objects.none(), label="Au nom de")
    text = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, parties: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(pk__in=[p.pk for p in parties])
        if len(parties) == 1:
            self.fields["party"].initial = parties[0].pk


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label="Utilisateur", required=False)
    number = forms.IntegerField(label="Pièce n°", required=False, min_value=1)
    allowed = forms.ChoiceField(
        label="Décision", required=False, choices=[("", "Toutes"), ("1", "Autorisé"), ("0", "Refusé")]
    )
    since = forms.DateField(label="Du", widget=DATE, required=False)
    until = forms.DateField(label="Au", widget=DATE, required=False)


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label="RG ou affaire", required=False)
    state = forms.ChoiceField(
        label="Prochaine échéance",
        required=False,
        choices=[
            ("", "Toutes"),
            ("overdue", "Dépassée"),
            ("due_soon", "Proche"),
            ("upcoming", "À venir"),
            ("done", "Aucune en cours"),
        ],
    )
    expert = forms.ChoiceField(label="Expert", required=False)
    this_month = forms.BooleanField(label="Échéance ce mois-ci", required=False)
    sort = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[("echeance", "Prochaine échéance"), ("etat", "État"), ("depot", "Date de dépôt"), ("rg", "RG")],
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "Tous"), *((str(u.pk), u.display_name) for u in experts)]


class ExtensionRequestForm(forms.Form):
    requested_due = forms.DateField(label="Nouvelle date de dépôt demandée", widget=DATE)
    reason = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    granted = forms.TypedChoiceField(
        label="Décision du juge", choices=[("1", "Accordée"), ("0", "Refusée")], coerce=lambda v: v == "1"
    )
    new_due = forms.DateField(
        label="Nouvelle date accordée", widget=DATE, required=False, help_text="Par défaut, la date demandée."
    )
    decided_on = forms.DateField(label="Décision du", widget=DATE)


class ConsignationPayForm(forms.Form):
    paid_on = forms.DateField(label="Consignée le", widget=DATE)


class ConsignationComplementForm(forms.Form):
    amount = forms.DecimalField(label="Montant du complément", max_digits=12, decimal_places=3, min_value=0)
    due = forms.DateField(label="À consigner avant le", widget=DATE)
    payer = forms.ModelChoiceField(queryset=Party.objects.none(), label="Partie tenue de consigner", required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = mission.parties.all()


class ExpertDatesForm(forms.Form):
    dires_due = forms.DateField(label="Date limite des dires (art. 276 CPC)", widget=DATE, required=False)
    fee_requested_on = forms.DateField(label="Demande de rémunération adressée le", widget=DATE, required=False)


class ClerkDatesForm(forms.Form):
    fees_taxed_on = forms.DateField(label="Rémunération taxée le", widget=DATE, required=False)


class RecipientForm(forms.Form):
    tracking_number = forms.CharField(label="N° de recommandé", max_length=50, required=False)
    sent_on = forms.DateField(label="Envoyée le", widget=DATE, required=False)
    receipt_on = forms.DateField(label="AR reçu le", widget=DATE, required=False)
    attended = forms.NullBooleanField(
        label="Présent",
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", "Oui"), ("false", "Non")]),
    )
