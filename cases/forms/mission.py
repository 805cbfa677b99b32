from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import access, countries
from cases.choices import (
    Country,
    Framework,
    MissionKind,
    MissionStatus,
)
from cases.forms.common import DATE, strip_number
from cases.forms.money import MoneyField, check_unit
from cases.models import Court, Mission, Party
from cases.models.mission import DocumentLanguage, language_allowed
from cases.services.courts import courts_offered
from cases.services.mission_data import EDITABLE_FIELDS
from cases.validators import validate_multiline_text, validate_single_line


class MissionDataForm(forms.Form):
    """The mission's data as the court's order gives them: entered at its creation, corrected later."""

    court = forms.ModelChoiceField(queryset=Court.objects.none(), label=_("Juridiction"))
    rg = forms.CharField(label=_("Numéro RG"), max_length=50, validators=[validate_single_line])
    title = forms.CharField(
        label=_("Intitulé de l'affaire"),
        max_length=255,
        help_text=_("Par exemple : Dupont c/ Atlas Assurances"),
        validators=[validate_single_line],
    )
    framework = forms.ChoiceField(label=_("Cadre"), choices=Framework.choices)
    kind = forms.ChoiceField(label=_("Type de mission"), choices=MissionKind.choices, initial=MissionKind.INITIAL)
    ordered_on = forms.DateField(label=_("Date de la décision"), widget=DATE)
    judge = forms.CharField(
        label=_("Juge chargé du contrôle"), max_length=200, required=False, validators=[validate_single_line]
    )
    report_due = forms.DateField(label=_("Date limite de dépôt du rapport"), widget=DATE)
    language = forms.ChoiceField(
        label=_("Langue des documents"),
        choices=DocumentLanguage.choices,
        initial=DocumentLanguage.FRENCH,
        required=False,  # French unless said otherwise
        help_text=_(
            "Lettres de convocation et parties fixes du rapport ; l'arabe pour une juridiction tunisienne seulement."
        ),
    )
    questions = forms.CharField(
        label=_("Questions de la mission"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Une question par ligne, dans l'ordre de la décision. Le modèle proposé selon le cadre "
            "est à adapter au texte exact de la décision."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["court"].queryset = courts_offered(user)

    def arabic_courts(self) -> list[int]:
        """The courts whose missions may have their documents in Arabic (the page's script offers
        Arabic for them only)."""
        return [c.pk for c in self.fields["court"].queryset if language_allowed(DocumentLanguage.ARABIC, c)]

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        questions = [strip_number(line) for line in lines if line]
        if not questions:
            raise ValidationError(gettext("Saisissez au moins une question."))
        return questions

    def chosen_court(self, data) -> Court | None:
        return data.get("court")

    def clean(self):
        data = super().clean()
        if data.get("ordered_on") and data.get("report_due") and data["report_due"] < data["ordered_on"]:
            self.add_error("report_due", gettext("La date de dépôt ne peut précéder la date de la décision."))
        data["language"] = data.get("language") or DocumentLanguage.FRENCH
        court = self.chosen_court(data)
        if court is not None and not language_allowed(data["language"], court):
            self.add_error(
                "language", gettext("Les documents en arabe sont réservés aux missions d'une juridiction tunisienne.")
            )
        return data


class MissionCreateForm(MissionDataForm):
    """A new mission, with its provision; a court missing from the list may be proposed; a second
    mission with the RG of one the expert already has at that court asks whether it completes it."""

    DUPLICATE_COMPLEMENT, DUPLICATE_MISTAKE = "complement", "mistake"

    consignation_amount = MoneyField(
        label=_("Montant de la consignation"),
        required=False,
        min_value=0,
        help_text=_("En euros pour une juridiction française, en dinars pour une juridiction tunisienne."),
    )
    consignation_due = forms.DateField(label=_("À consigner avant le"), widget=DATE, required=False)
    new_court_name = forms.CharField(
        label=_("Nom de la juridiction"), max_length=200, required=False, validators=[validate_single_line]
    )
    new_court_country = forms.ChoiceField(label=_("Pays"), choices=[("", "—"), *Country.choices], required=False)
    new_court_address = forms.CharField(
        label=_("Adresse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
    )
    duplicate = forms.ChoiceField(
        label=_("Cette nouvelle décision est"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (DUPLICATE_COMPLEMENT, _("un complément de la mission existante : les deux missions sont liées")),
            (DUPLICATE_MISTAKE, _("une erreur : la mission existe déjà, ne rien créer")),
        ],
    )
    previous = forms.ModelChoiceField(
        queryset=Mission.objects.none(), label=_("Mission complétée"), required=False, empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].required = False
        self.duplicates: list[Mission] = []
        if self.is_bound:
            self.fields["previous"].queryset = self._same_case(self.data.get("court"), self.data.get("rg"))

    def _same_case(self, court_id, rg) -> QuerySet[Mission]:
        """Only the missions the user has a place in (an other expert's mission is never revealed)."""
        rg = (rg or "").strip()
        if not rg or not str(court_id or "").isdigit():
            return Mission.objects.none()
        return access.visible_missions(self.user).filter(court_id=court_id, rg__iexact=rg).order_by("ordered_on", "pk")

    def chosen_court(self, data) -> Court | None:
        if data.get("court") is not None:
            return data["court"]
        if data.get("new_court_country"):
            return Court(country=data["new_court_country"])  # the court proposed, for its country's rules
        return None

    def clean(self):
        data = super().clean()
        proposed = bool(data.get("new_court_name") or data.get("new_court_address"))
        if data.get("court") is None and not proposed and "court" not in self.errors:
            self.add_error("court", gettext("Choisissez la juridiction, ou proposez-la si elle manque à la liste."))
        elif data.get("court") is not None and proposed:
            self.add_error(
                "new_court_name", gettext("Choisissez une juridiction de la liste ou proposez-en une, pas les deux.")
            )
        elif proposed:
            if not data.get("new_court_name"):
                self.add_error("new_court_name", gettext("Indiquez le nom de la juridiction."))
            if not data.get("new_court_country"):
                self.add_error("new_court_country", gettext("Choisissez le pays de la juridiction."))
        if data.get("consignation_amount") and not data.get("consignation_due"):
            self.add_error("consignation_due", gettext("Indiquez la date limite de la consignation."))
        court = self.chosen_court(data)
        if data.get("consignation_amount") and court is not None:
            try:  # the currency of the court chosen: cents in euros, millimes in dinars
                check_unit(data["consignation_amount"], court)
            except ValidationError as exc:
                self.add_error("consignation_amount", exc)
        if data.get("court") is not None and data.get("rg"):
            self._clean_duplicate(data)
        return data

    def _clean_duplicate(self, data) -> None:
        self.duplicates = list(self.fields["previous"].queryset)
        if not self.duplicates:
            data["duplicate"], data["previous"] = "", None
            return
        if data.get("duplicate") == self.DUPLICATE_COMPLEMENT:
            if data.get("previous") is None:
                if len(self.duplicates) > 1:
                    self.add_error("previous", gettext("Choisissez la mission que cette décision complète."))
                    return
                data["previous"] = self.duplicates[0]
            data["kind"] = MissionKind.COMPLEMENT
        elif data.get("duplicate") != self.DUPLICATE_MISTAKE:
            self.add_error(
                "duplicate",
                gettext(
                    "Vous avez déjà une mission portant ce numéro RG dans cette juridiction : s'agit-il d'un "
                    "complément de cette mission, ou d'une erreur ?"
                ),
            )


class MissionEditForm(MissionDataForm):
    """The correction of the mission's data, with its reason; the questions until the pre-report."""

    reason = forms.CharField(
        label=_("Motif de la correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
        help_text=_("Inscrit dans l'historique de la mission avec chaque valeur corrigée."),
    )

    def __init__(self, *args, mission: Mission, questions_frozen: bool, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                **{name: getattr(mission, name) for name in EDITABLE_FIELDS if name != "court"},
                "court": mission.court_id,
                "questions": "\n".join(q.text for q in mission.questions.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = (
            courts_offered(self.user) | Court.objects.filter(pk=mission.court_id)
        ).distinct()
        if questions_frozen:
            self.fields["questions"].disabled = True
            self.fields["questions"].help_text = _(
                "Le pré-rapport a été diffusé : les parties ont répondu aux questions telles qu'elles étaient "
                "posées. Elles ne se modifient plus."
            )


class StatusConfirmForm(forms.Form):
    """The explicit confirmation a state that ends the mission asks for."""

    confirm = forms.BooleanField(
        label=_("Je confirme"),
        error_messages={"required": _("Ce changement est définitif : cochez « Je confirme » pour le faire.")},
    )
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
    )


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("RG, affaire ou partie"), required=False)
    status = forms.ChoiceField(
        label=_("État de la mission"),
        required=False,
        choices=[("", _("Tous")), ("open", _("En cours (non terminées)")), *MissionStatus.choices],
    )
    pending = forms.BooleanField(label=_("Prorogations en attente"), required=False)
    state = forms.ChoiceField(
        label=_("Prochaine échéance"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("overdue", _("Dépassée")),
            ("due_soon", _("Proche")),
            ("upcoming", _("À venir")),
            ("done", _("Aucune en cours")),
        ],
    )
    expert = forms.ChoiceField(label=_("Expert"), required=False)
    this_month = forms.BooleanField(label=_("Échéance ce mois-ci"), required=False)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("echeance", _("Prochaine échéance")),
            ("etat", _("État")),
            ("depot", _("Date de dépôt")),
            ("rg", _("RG")),
        ],
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", gettext("Tous")), *((str(u.pk), u.display_name) for u in experts)]


class ExtensionRequestForm(forms.Form):
    requested_due = forms.DateField(label=_("Nouvelle date de dépôt demandée"), widget=DATE)
    reason = forms.CharField(label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Décision du juge"), choices=[("1", _("Accordée")), ("0", _("Refusée"))], coerce=lambda v: v == "1"
    )
    new_due = forms.DateField(
        label=_("Nouvelle date accordée"), widget=DATE, required=False, help_text=_("Par défaut, la date demandée.")
    )
    decided_on = forms.DateField(label=_("Décision du"), widget=DATE)


class ConsignationPayForm(forms.Form):
    paid_on = forms.DateField(label=_("Consignée le"), widget=DATE)


class ConsignationComplementForm(forms.Form):
    amount = MoneyField(label=_("Montant du complément"), min_value=0)
    due = forms.DateField(label=_("À consigner avant le"), widget=DATE)
    payer = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Partie tenue de consigner"), required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = mission.parties.all()
        self.fields["amount"].set_country(mission)  # the court's currency


class ExpertDatesForm(forms.Form):
    dires_due = forms.DateField(label=_("Date limite des dires"), widget=DATE, required=False)
    fee_requested_on = forms.DateField(label=_("Demande de rémunération adressée le"), widget=DATE, required=False)

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dires_due"].label = gettext("Date limite des dires (%(law)s)") % {
            "law": countries.cite("dires", country)
        }


class ClerkDatesForm(forms.Form):
    fees_taxed_on = forms.DateField(label=_("Rémunération taxée le"), widget=DATE, required=False)


class SingleExpertAgreementForm(forms.Form):
    """DOMAIN.md §8 (CPCC): the date the parties agreed to one expert; empty withdraws it."""

    agreed_on = forms.DateField(label=_("Accord des parties sur un expert unique le"), widget=DATE, required=False)
