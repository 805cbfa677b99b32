import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import countries
from reports import scales
from reports.models import IMPUTABILITY, IncapacityKind, Report
from reports.services import EDITABLE_FIELDS

SHORT_TEXT = {"third_party_kind", "ipp_reasoning"} | {name for name, _label in IMPUTABILITY}
# The editor's cards, in the order of the report (DOMAIN.md §6): (anchor of the card, title, fields).
# The page's section index links to each anchor.
SECTIONS = [
    ("operations", _("Déroulement des opérations"), ["operations_notes"]),
    ("faits", _("Commémoratifs"), ["facts"]),
    ("doleances", _("Doléances"), ["complaints"]),
    ("etat-anterieur", _("Antécédents et état antérieur"), ["prior_state_text"]),
    ("examen", _("Examen clinique"), ["examination"]),
    ("discussion", _("Discussion"), ["discussion"]),
    ("imputabilite", _("Imputabilité"), [name for name, _label in IMPUTABILITY]),
    ("etat-anterieur-discussion", _("État antérieur"), ["prior_state", "prior_state_discussion"]),
    ("consolidation", _("Consolidation et déficit permanent"), ["consolidation_date", "ipp_rate", "ipp_reasoning"]),
    (
        "souffrances",
        _("Souffrances et préjudice esthétique"),
        ["suffering", "aesthetic_temporary", "aesthetic_permanent"],
    ),
    (
        "autres-prejudices",
        _("Autres préjudices (décrits, non chiffrés)"),
        ["agrement", "professional", "sexual", "obstetrical", "juvenile"],
    ),
    (
        "tierce-personne",
        _("Tierce personne, appareillages, soins futurs"),
        ["third_party_hours", "third_party_kind", "devices", "future_care"],
    ),
    ("reserves", _("Réserves"), ["reserves"]),
]
# The index's other entries, after the card of that anchor: the periods' card, the calculators.
EXTRA_CARDS = {
    "discussion": [("periods", _("Incapacité temporaire"))],
    "consolidation": [("calculator", _("Calculateurs"))],
}


class ReportForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = EDITABLE_FIELDS
        widgets = {"consolidation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revision"].initial = self.instance.revision
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 2 if name in SHORT_TEXT else 5
        self.fields["ipp_rate"].help_text = gettext(
            "Taux global, et non une somme ; les calculateurs ci-dessous proposent."
        )
        self.fields["agrement"].help_text = gettext("Décrit, jamais chiffré par l'expert.")

    def sections(self):
        """(anchor, title, bound fields) of each card of the editor."""
        return [(anchor, title, [self[name] for name in names]) for anchor, title, names in SECTIONS]

    @staticmethod
    def index() -> list[tuple[str, str]]:
        """(anchor, title) of every card of the page, in order: the section index links to them."""
        cards = []
        for anchor, title, _names in SECTIONS:
            cards.append((f"section-{anchor}", title))
            cards.extend(EXTRA_CARDS.get(anchor, []))
        cards.append(("conclusions", _("Conclusions")))
        return cards


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=[("", "—"), *IncapacityKind.choices])
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    rate = forms.DecimalField(
        label=_("Taux (%)"), required=False, min_value=Decimal("0.01"), max_value=Decimal("99.99"), decimal_places=2
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", gettext("La fin de la période précède son début."))
        if data.get("kind") == IncapacityKind.PARTIAL and data.get("rate") is None:
            self.add_error("rate", gettext("Indiquez le taux de l'incapacité partielle."))
        if data.get("kind") == IncapacityKind.TOTAL:
            data["rate"] = None
        return data


class BasePeriodFormSet(forms.BaseFormSet):
    def periods(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("kind", "start", "end", "rate")}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


PeriodFormSet = forms.formset_factory(PeriodForm, formset=BasePeriodFormSet, extra=1, can_delete=True)


class AnswersForm(forms.Form):
    """One answer per mission question, in the mission's order."""

    def __init__(self, *args, questions, answers: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.CharField(
                label=f"{q.position}. {q.text}",
                required=False,
                initial=answers.get(q.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class CalculatorForm(forms.Form):
    METHODS = [
        ("balthazard", _("Balthazard (infirmités multiples) : taux séparés par « ; »")),
        ("gabrielli", _("Gabrielli (état antérieur) : C1 ; C2 (capacités avant et après)")),
        ("hands", _("Synergie, deux mains (accident du travail) : a ; b")),
        ("feet", _("Synergie, deux pieds (accident du travail) : a ; b")),
    ]
    method = forms.ChoiceField(label=_("Calculateur"), choices=METHODS, required=False)
    values = forms.CharField(
        label=_("Valeurs (%)"),
        required=False,
        max_length=200,
        help_text=_("Par exemple 60 ; 20 ; 10. Les décimales s'écrivent avec une virgule."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "calc")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("values"):
            self.add_error("values", gettext("Indiquez les valeurs à combiner."))
            return data
        parts = [p.replace(",", ".") for p in re.split(r"[;\s]+", data["values"].strip()) if p]
        method = data.get("method") or "balthazard"
        try:
            if method == "balthazard":
                data["result"] = scales.balthazard_steps(parts)
            else:
                if len(parts) != 2:
                    raise scales.ScaleError(
                        gettext("Ce calculateur combine exactement deux valeurs, séparées par « ; ».")
                    )
                function = {
                    "gabrielli": scales.gabrielli_steps,
                    "hands": scales.synergy_hands_steps,
                    "feet": scales.synergy_feet_steps,
                }[method]
                data["result"] = function(*parts)
        except scales.ScaleError as exc:
            self.add_error("values", str(exc))
        return data


class PublishForm(forms.Form):
    dires_due = forms.DateField(
        label=_("Date limite des dires"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dires_due"].help_text = gettext(
            "Les parties adressent leurs observations écrites jusqu'à cette date (%(law)s)."
        ) % {"law": countries.cite("dires", country)}
