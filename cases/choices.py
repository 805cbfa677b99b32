"""The vocabulary of the procedure. Identifiers are English; the labels are the French terms
the users know (the glossary of the domain)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    FR = "FR", _("France")
    TN = "TN", _("Tunisie")


class Framework(models.TextChoices):
    """The legal framework (cadre) of the expertise: it decides the scales and the revision rule."""

    CIVIL = "civil", _("Droit commun (civil)")
    CRIMINAL_CIVIL_INTERESTS = "criminal_civil_interests", _("Pénal, sur intérêts civils")
    ROAD_ACCIDENT = "road_accident", _("Accident de la circulation")
    WORK_ACCIDENT = "work_accident", _("Accident du travail, maladie professionnelle")
    SOCIAL_SECURITY = "social_security", _("Expertise technique de sécurité sociale")
    INVALIDITY = "invalidity", _("Invalidité")
    PERSONAL_INSURANCE = "personal_insurance", _("Assurance de personnes")
    MEDICAL_LIABILITY = "medical_liability", _("Responsabilité médicale")


class MissionKind(models.TextChoices):
    INITIAL = "initial", _("Expertise initiale")
    AGGRAVATION = "aggravation", _("Aggravation")
    COUNTER = "counter", _("Contre-expertise")
    COMPLEMENT = "complement", _("Complément d'expertise")


class MissionStatus(models.TextChoices):
    DESIGNATED = "designated", _("Désignation reçue")
    ACCEPTED = "accepted", _("Mission acceptée")
    DECLINED = "declined", _("Mission refusée")
    IN_PROGRESS = "in_progress", _("Opérations en cours")
    PRE_REPORT = "pre_report", _("Pré-rapport diffusé")
    DEPOSITED = "deposited", _("Rapport déposé")
    LAPSED = "lapsed", _("Désignation caduque")


class ExpertRole(models.TextChoices):
    EXPERT = "expert", _("Expert")
    CO_EXPERT = "co_expert", _("Co-expert")
    SAPITEUR = "sapiteur", _("Sapiteur")


class PartyRole(models.TextChoices):
    DEMANDEUR = "demandeur", _("Demandeur")
    DEFENDEUR = "defendeur", _("Défendeur")
    INTERVENANT = "intervenant", _("Intervenant")


class RepresentativeKind(models.TextChoices):
    AVOCAT = "avocat", _("Avocat")
    MEDECIN_CONSEIL = "medecin_conseil", _("Médecin-conseil")


class Producer(models.TextChoices):
    """Who brought a piece into the mission."""

    PARTY = "party", _("Une partie")
    COURT = "court", _("La juridiction")
    EXPERT = "expert", _("L'expert")
    THIRD_PARTY = "third_party", _("Un tiers")


class CertificateKind(models.TextChoices):
    INITIAL = "initial", _("Certificat médical initial")
    PROLONGATION = "prolongation", _("Certificat de prolongation")
    CONSOLIDATION = "consolidation", _("Certificat de consolidation")
    RETURN_TO_WORK = "return_to_work", _("Certificat de reprise du travail")
    RELAPSE = "relapse", _("Certificat d'aggravation ou de rechute")


class DeliveryMethod(models.TextChoices):
    LRAR = "lrar", _("Lettre recommandée avec AR")
    EMAIL = "email", _("Courriel")
    HAND = "hand", _("Remise en main propre")


class GranteeKind(models.TextChoices):
    EXPERTS = "experts", _("Les experts de la mission")
    PARTY = "party", _("Une partie (son médecin-conseil)")
