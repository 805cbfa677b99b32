"""The vocabulary of the procedure. Identifiers are English; the labels are the French terms
the users know (the glossary of the domain)."""

from django.db import models


class Country(models.TextChoices):
    FR = "FR", "France"
    TN = "TN", "Tunisie"


class Framework(models.TextChoices):
    """The legal framework (cadre) of the expertise: it decides the scales and the revision rule."""

    CIVIL = "civil", "Droit commun (civil)"
    CRIMINAL_CIVIL_INTERESTS = "criminal_civil_interests", "Pénal, sur intérêts civils"
    ROAD_ACCIDENT = "road_accident", "Accident de la circulation"
    WORK_ACCIDENT = "work_accident", "Accident du travail, maladie professionnelle"
    SOCIAL_SECURITY = "social_security", "Expertise technique de sécurité sociale"
    INVALIDITY = "invalidity", "Invalidité"
    PERSONAL_INSURANCE = "personal_insurance", "Assurance de personnes"
    MEDICAL_LIABILITY = "medical_liability", "Responsabilité médicale"


class MissionKind(models.TextChoices):
    INITIAL = "initial", "Expertise initiale"
    AGGRAVATION = "aggravation", "Aggravation"
    COUNTER = "counter", "Contre-expertise"
    COMPLEMENT = "complement", "Complément d'expertise"


class MissionStatus(models.TextChoices):
    DESIGNATED = "designated", "Désignation reçue"
    ACCEPTED = "accepted", "Mission acceptée"
    DECLINED = "declined", "Mission refusée"
    IN_PROGRESS = "in_progress", "Opérations en cours"
    PRE_REPORT = "pre_report", "Pré-rapport diffusé"
    DEPOSITED = "deposited", "Rapport déposé"
    LAPSED = "lapsed", "Désignation caduque"


class ExpertRole(models.TextChoices):
    EXPERT = "expert", "Expert"
    CO_EXPERT = "co_expert", "Co-expert"
    SAPITEUR = "sapiteur", "Sapiteur"


class PartyRole(models.TextChoices):
    DEMANDEUR = "demandeur", "Demandeur"
    DEFENDEUR = "defendeur", "Défendeur"
    INTERVENANT = "intervenant", "Intervenant"


class RepresentativeKind(models.TextChoices):
    AVOCAT = "avocat", "Avocat"
    MEDECIN_CONSEIL = "medecin_conseil", "Médecin-conseil"


class Producer(models.TextChoices):
    """Who brought a piece into the mission."""

    PARTY = "party", "Une partie"
    COURT = "court", "La juridiction"
    EXPERT = "expert", "L'expert"
    THIRD_PARTY = "third_party", "Un tiers"


class CertificateKind(models.TextChoices):
    INITIAL = "initial", "Certificat médical initial"
    PROLONGATION = "prolongation", "Certificat de prolongation"
    CONSOLIDATION = "consolidation", "Certificat de consolidation"
    RETURN_TO_WORK = "return_to_work", "Certificat de reprise du travail"
    RELAPSE = "relapse", "Certificat d'aggravation ou de rechute"


class DeliveryMethod(models.TextChoices):
    LRAR = "lrar", "Lettre recommandée avec AR"
    EMAIL = "email", "Courriel"
    HAND = "hand", "Remise en main propre"


class GranteeKind(models.TextChoices):
    EXPERTS = "experts", "Les experts de la mission"
    PARTY = "party", "Une partie (son médecin-conseil)"
