"""Correcting pieces, certificates and consents, with a trail; withdrawing a piece without erasing
what a party received (issue #14, items 1 and 5).

Legal basis: DOMAIN.md §3 rules 2 to 8 (the secret; the contradictoire stays visible), §8 (who
acts: the experts edit pieces; the patient's side and the experts on his signed statement record
his consents); CSP art. L1110-4; CPC art. 244 (the report holds only what the mission needs) and
the frozen deposited report."""

import html
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import access, countries, history, selectors
from cases.choices import CertificateKind, Producer
from cases.models import Change, ChangeAction, Consent
from cases.services.certificates import certificate_record, certificate_update
from cases.services.consents import consent_grant, consent_revoke, consent_update, refusal_record
from cases.services.documents import document_update, document_withdraw, documents_upload
from cases.services.missions import assignment_add
from reports.models import ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def case():
    """A college (lead, co-expert, sapiteur), the court's clerk, a victim with his account, avocat
    and médecin-conseil, an insurer with its avocat and médecin-conseil."""
    m = factories.mission()
    users = {"lead": factories.lead_expert(m), "co_expert": factories.expert(), "sapiteur": factories.expert()}
    assignment_add(mission=m, expert=users["co_expert"], role="co_expert")
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    users["clerk"] = factories.clerk(m.court)
    users["patient"] = factories.UserFactory(role=Role.PARTY)
    victim = factories.party(m, is_victim=True, account=users["patient"])
    insurer = factories.party(m, name="Atlas Assurances", role="defendeur", is_insurer=True)
    users["victim_avocat"] = factories.represent(victim, "avocat")
    users["victim_doctor"] = factories.represent(victim, "medecin_conseil")
    users["insurer_avocat"] = factories.represent(insurer, "avocat")
    users["insurer_doctor"] = factories.represent(insurer, "medecin_conseil")
    return m, users, victim, insurer


def _deposit(m, by):
    """A deposited report, frozen (its PDF does not matter here)."""
    return ReportVersion.objects.create(
        mission=m,
        number=1,
        kind="final",
        pdf=b"%PDF",
        sha256="0" * 64,
        size=4,
        pages=1,
        report_revision=1,
        created_by=by,
    )


def _flat(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


# --- Pieces ----------------------------------------------------------------------------------------


def test_a_correction_keeps_who_when_before_and_after(case):
    """Issue #14 item 1: every change keeps who, when, before and after; a non-medical piece's
    history is the court's to read too (rule 8: the court sees every non-medical piece)."""
    m, users, _victim, _insurer = case
    doc = factories.document(m, title="Ordonance de référé")
    document_update(
        by=users["co_expert"], document=doc, title="Ordonnance de référé", date=date(2026, 8, 30), unrelated=False
    )
    change = Change.objects.get(mission=m, action=ChangeAction.CORRECTED, subject="document")
    assert change.by == users["co_expert"] and change.court_visible
    assert change.changes == {
        "intitulé": ["Ordonance de référé", "Ordonnance de référé"],
        "date de la pièce": ["01/09/2026", "30/08/2026"],
    }
    assert change in history.for_mission(m, court_staff=True)
    # nothing changed, nothing written
    document_update(
        by=users["lead"], document=doc, title="Ordonnance de référé", date=date(2026, 8, 30), unrelated=False
    )
    assert Change.objects.filter(mission=m, action=ChangeAction.CORRECTED).count() == 1


def test_marking_a_piece_medical_needs_the_person_and_closes_it_to_the_adverse_side(client, case):
    """Rules 3 and 4 (Civ. 1re, 2 mars 2004): a medical piece is about someone; once medical, the
    adverse avocat no longer opens it. The correction is kept from the court (medical after)."""
    m, users, victim, _insurer = case
    doc = factories.document(m, title="Bilan", producer_party=victim)
    url = reverse("cases:document_download", args=[doc.pk])
    client.force_login(users["insurer_avocat"])
    assert client.get(url).status_code == 200
    with pytest.raises(ValidationError) as caught:
        document_update(
            by=users["lead"], document=doc, title="Bilan", date=doc.date, unrelated=False, is_medical=True, about=None
        )
    assert "about" in caught.value.message_dict
    document_update(
        by=users["lead"], document=doc, title="Bilan ORL", date=doc.date, unrelated=False, is_medical=True, about=victim
    )
    doc.refresh_from_db()
    assert doc.is_medical and doc.about == victim
    assert client.get(url).status_code == 403
    assert access.decide(users["lead"], "view", doc).allowed  # produced by the patient: rule 3
    change = Change.objects.get(mission=m, subject="document", action=ChangeAction.CORRECTED)
    assert not change.court_visible and change.changes["pièce médicale"] == ["non", "oui"]
    assert change not in history.for_mission(m, court_staff=True)


def test_the_piece_form_corrects_the_nature_and_shows_the_errors_at_the_field(client, case):
    """Rule 3 through the page: marking medical without the person is refused at the field (400),
    nothing saved; with the person, saved."""
    m, users, victim, _insurer = case
    doc = factories.document(m, title="Bilan", producer_party=victim)
    url = reverse("cases:document_detail", args=[doc.pk])
    client.force_login(users["lead"])
    post = {
        "form": "edit",
        "title": "Bilan",
        "date": "2026-09-01",
        "is_medical": "1",
        "about": "",
        "produced_by": f"party:{victim.pk}",
    }
    response = client.post(url, post)
    assert response.status_code == 400 and "about" in response.context["form"].errors
    doc.refresh_from_db()
    assert not doc.is_medical
    assert client.post(url, {**post, "about": victim.pk}).status_code == 302
    doc.refresh_from_db()
    assert doc.is_medical and doc.about == victim


def test_a_refused_piece_cannot_be_corrected_and_unflagging_needs_a_reason(case):
    """Rule 6 (Civ. 1re, 11 juin 2009): the experts work without a refused piece, so they cannot
    correct it (nor make it non-medical, which would communicate it to every party). Any other
    medical piece may become non-medical, with a reason kept in the history (from the experts only:
    it was medical)."""
    m, users, victim, _insurer = case
    refused = factories.medical(m, victim, title="Compte rendu")
    refusal_record(recorded_by=users["patient"], patient=victim, document=refused, refused_on=date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        document_update(by=users["lead"], document=refused, title="x", date=None, unrelated=False, is_medical=False)
    refused.refresh_from_db()
    assert refused.is_medical and refused.title == "Compte rendu"

    bill = factories.medical(m, victim, title="Facture")
    with pytest.raises(ValidationError) as caught:
        document_update(
            by=users["lead"], document=bill, title="Facture", date=bill.date, unrelated=False, is_medical=False
        )
    assert "reason" in caught.value.message_dict
    document_update(
        by=users["lead"],
        document=bill,
        title="Facture",
        date=bill.date,
        unrelated=False,
        is_medical=False,
        reason="Facture de pharmacie sans contenu médical.",
    )
    bill.refresh_from_db()
    assert not bill.is_medical and bill.about is None
    change = Change.objects.get(mission=m, subject="document", object_id=bill.pk)
    assert change.reason == "Facture de pharmacie sans contenu médical." and not change.court_visible


def test_the_identity_of_a_piece_is_frozen_once_a_deposited_report_relies_on_it(client, case):
    """The deposited report is frozen (its PDF and hash kept, DOMAIN.md §6) and names the pieces the
    experts relied on (CPC art. 244): their nature, person and producer no longer change; their title
    still may (a typo), in the history."""
    m, users, victim, insurer = case
    doc = factories.document(m, title="Constat amiable", producer_party=insurer)
    document_update(
        by=users["lead"],
        document=doc,
        title="Constat",
        date=doc.date,
        unrelated=False,
        producer=Producer.PARTY,
        producer_party=victim,
    )
    _deposit(m, users["lead"])
    with pytest.raises(ValidationError, match="rapport déposé"):
        document_update(
            by=users["lead"], document=doc, title="Constat", date=doc.date, unrelated=False, producer=Producer.COURT
        )
    with pytest.raises(ValidationError, match="rapport déposé"):
        document_update(
            by=users["lead"],
            document=doc,
            title="Constat",
            date=doc.date,
            unrelated=False,
            is_medical=True,
            about=victim,
        )
    document_update(by=users["lead"], document=doc, title="Constat amiable d'accident", date=doc.date, unrelated=False)
    doc.refresh_from_db()
    assert doc.title == "Constat amiable d'accident" and doc.producer_party == victim and not doc.is_medical
    client.force_login(users["lead"])
    form = client.get(reverse("cases:document_detail", args=[doc.pk])).context["form"]
    assert form.fields["is_medical"].disabled and form.fields["produced_by"].disabled


def test_only_the_experts_correct_a_piece(client, case):
    """DOMAIN.md §8: a piece's title, date, medical flag are the experts' (lead and co-expert); never
    the sapiteur's, a party's or the court's."""
    m, users, victim, _insurer = case
    doc = factories.document(m, title="Ordonnance", producer_party=victim)
    url = reverse("cases:document_detail", args=[doc.pk])
    for name in ("sapiteur", "victim_avocat", "insurer_avocat", "clerk", "patient"):
        with pytest.raises(PermissionDenied):
            document_update(by=users[name], document=doc, title="Autre", date=None, unrelated=False)
        client.force_login(users[name])
        assert client.post(url, {"form": "edit", "title": "Autre"}).status_code == 403, name
        assert client.post(url, {"form": "withdraw", "withdraw-reason": "x"}).status_code == 403, name
    doc.refresh_from_db()
    assert doc.title == "Ordonnance" and doc.withdrawn_on is None


def test_a_piece_is_never_dated_in_the_future(client, case):
    """Issue #14 item 5: no piece dated after the court's today, at the upload and at a correction."""
    m, users, _victim, _insurer = case
    with pytest.raises(ValidationError) as caught:
        documents_upload(
            mission=m, uploaded_by=users["lead"], uploads=[factories.pdf_upload()], producer=Producer.COURT, date=FUTURE
        )
    assert "date" in caught.value.message_dict and not m.documents.exists()
    doc = factories.document(m)
    with pytest.raises(ValidationError) as caught:
        document_update(by=users["lead"], document=doc, title="Pièce", date=FUTURE, unrelated=False)
    assert "futur" in caught.value.message_dict["date"][0]
    client.force_login(users["lead"])
    upload = factories.pdf_upload()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {
            "files": SimpleUploadedFile("piece.pdf", upload.file.getvalue(), "application/pdf"),
            "produced_by": Producer.COURT,
            "date": FUTURE.isoformat(),
        },
    )
    assert response.status_code == 400 and "date" in response.context["upload_form"].errors
    assert m.documents.count() == 1


# --- Withdrawal ------------------------------------------------------------------------------------


def test_a_withdrawn_piece_stays_listed_with_its_reason_and_leaves_the_report(client, case):
    """Issue #14 item 1: what a party received is never erased. The piece stays in the bordereau
    with "retirée le … : motif" for every member who lists it (rule 8), leaves the report (CPC
    art. 244) and the contradictoire's warnings (rule 2), and its file stays open to those who could
    open it (the evidence of what was communicated)."""
    m, users, _victim, insurer = case
    doc = factories.document(m, title="Constat amiable", producer_party=insurer)
    assert doc in access.report_pieces(m).pieces
    with pytest.raises(ValidationError) as caught:
        document_withdraw(by=users["lead"], document=doc, reason="  ")
    assert "reason" in caught.value.message_dict
    document_withdraw(
        by=users["lead"], document=doc, reason="Produite par erreur, doublon de la pièce 2.", on=date(2026, 11, 2)
    )
    doc.refresh_from_db()
    assert doc.withdrawn_on == date(2026, 11, 2) and doc.withdrawn_by == users["lead"]
    assert doc not in access.report_pieces(m).pieces
    row = next(r for r in selectors.contradictoire(users["lead"], m) if r.document.pk == doc.pk)
    assert not row.relied_on and row.missing == []
    change = Change.objects.get(mission=m, action=ChangeAction.WITHDRAWN)
    assert change.reason == "Produite par erreur, doublon de la pièce 2." and change.court_visible
    said = "retirée le 02/11/2026 : Produite par erreur, doublon de la pièce 2."
    for name in ("clerk", "insurer_avocat", "victim_avocat", "patient", "lead"):
        client.force_login(users[name])
        assert said in _flat(client.get(reverse("cases:mission_documents", args=[m.pk]))), name
        assert client.get(reverse("cases:document_download", args=[doc.pk])).status_code == 200, name
    with pytest.raises(ValidationError, match="déjà retirée"):
        document_withdraw(by=users["co_expert"], document=doc, reason="Encore")


def test_a_withdrawn_medical_piece_keeps_its_secret(client, case):
    """Rules 4 and 8: withdrawing changes no access. The patient's side still opens the medical piece;
    the adverse avocat and the clerk see it exists, withdrawn, never its title; the history of the
    withdrawal is the experts' only."""
    m, users, victim, _insurer = case
    doc = factories.medical(m, victim, title="Compte rendu psychiatrique")
    document_withdraw(by=users["co_expert"], document=doc, reason="Pièce d'une autre procédure.", on=date(2026, 11, 3))
    change = Change.objects.get(mission=m, action=ChangeAction.WITHDRAWN)
    assert not change.court_visible
    client.force_login(users["victim_avocat"])
    assert client.get(reverse("cases:document_download", args=[doc.pk])).status_code == 200
    for name in ("insurer_avocat", "clerk"):
        client.force_login(users[name])
        page = _flat(client.get(reverse("cases:mission_documents", args=[m.pk])))
        assert "retirée le 03/11/2026 : Pièce d'une autre procédure." in page and "psychiatrique" not in page
        assert client.get(reverse("cases:document_download", args=[doc.pk])).status_code == 403


def test_withdrawal_is_the_experts_and_is_dated_on_a_day_that_has_come(client, case):
    """DOMAIN.md §8 (the experts edit the pieces); issue #14 item 5 (no date in the future). An expert
    withdraws even a piece he may not open (in quarantine): withdrawing reveals nothing of it."""
    m, users, victim, insurer = case
    quarantined = factories.medical(m, victim, title="Note du médecin de l'assureur", producer_party=insurer)
    assert not access.decide(users["lead"], "view", quarantined).allowed
    for name in ("sapiteur", "victim_avocat", "clerk"):
        with pytest.raises(PermissionDenied):
            document_withdraw(by=users[name], document=quarantined, reason="x")
    with pytest.raises(ValidationError) as caught:
        document_withdraw(by=users["lead"], document=quarantined, reason="x", on=FUTURE)
    assert "on" in caught.value.message_dict
    client.force_login(users["lead"])
    url = reverse("cases:document_detail", args=[quarantined.pk])
    assert "Retirer la pièce" in client.get(url).content.decode()
    response = client.post(url, {"form": "withdraw", "withdraw-reason": "Versée sans l'accord du patient."})
    assert response.status_code == 302
    quarantined.refresh_from_db()
    assert quarantined.withdrawn_on == countries.today(m)
    assert client.post(url, {"form": "withdraw", "withdraw-reason": "Encore"}).status_code == 400


# --- Certificates ----------------------------------------------------------------------------------


def test_a_certificate_is_recorded_by_the_experts_on_dates_that_have_come(case):
    """DOMAIN.md §4 and §8: the certificate's data is the piece's, the experts' to record; its date,
    the stoppage's start and the consolidation date are facts, never in the future."""
    m, users, victim, _insurer = case
    doc = factories.medical(m, victim, title="Certificat médical initial")
    for name in ("sapiteur", "victim_avocat", "victim_doctor"):
        with pytest.raises(PermissionDenied):
            certificate_record(by=users[name], document=doc, kind=CertificateKind.INITIAL, issued_on=date(2026, 3, 14))
    for field in ("issued_on", "stoppage_start", "consolidation_date"):
        values = {"issued_on": date(2026, 3, 14), field: FUTURE}
        with pytest.raises(ValidationError) as caught:
            certificate_record(by=users["lead"], document=doc, kind=CertificateKind.PROLONGATION, **values)
        assert field in caught.value.message_dict, field
    cert = certificate_record(
        by=users["co_expert"], document=doc, kind=CertificateKind.INITIAL, issued_on=date(2026, 3, 14)
    )
    assert cert.pk


def test_a_certificate_correction_is_in_the_experts_history_only(client, case):
    """Issue #14 item 1: certificates corrected, with before and after; medical content, so the
    court's staff do not read it (rule 8)."""
    m, users, victim, _insurer = case
    doc = factories.medical(m, victim, title="Certificat médical initial")
    cert = factories.certificate(doc, issued_on=date(2026, 3, 14), stoppage_days=30, lesions="Entorse")
    certificate_update(by=users["lead"], certificate=cert, stoppage_days=45, reason="Lu 30 au lieu de 45.")
    change = Change.objects.get(mission=m, subject="certificate")
    assert change.changes == {"durée de l'arrêt (jours)": ["30", "45"]} and not change.court_visible
    assert change.reason == "Lu 30 au lieu de 45." and change not in history.for_mission(m, court_staff=True)
    with pytest.raises(ValidationError) as caught:
        certificate_update(by=users["lead"], certificate=cert, consolidation_date=FUTURE)
    assert "consolidation_date" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        certificate_update(by=users["sapiteur"], certificate=cert, lesions="x")

    client.force_login(users["co_expert"])
    url = reverse("cases:document_detail", args=[doc.pk])
    assert "Corriger le certificat" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "form": "certificate",
            "certificate-kind": CertificateKind.INITIAL,
            "certificate-issued_on": "2026-03-15",
            "certificate-stoppage_days": "45",
            "certificate-lesions": "Entorse cervicale",
            "certificate-reason": "Date relue sur l'original.",
        },
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.issued_on == date(2026, 3, 15) and cert.lesions == "Entorse cervicale"
    response = client.post(
        url, {"form": "certificate", "certificate-kind": "initial", "certificate-issued_on": FUTURE.isoformat()}
    )
    assert response.status_code == 400 and "issued_on" in response.context["certificate_form"].errors


# --- Consents --------------------------------------------------------------------------------------


def test_the_patients_side_corrects_a_consent_with_a_trail(case):
    """DOMAIN.md §8: who records the patient's consents corrects them (his avocat here); rule 5: the
    pieces covered decide what the adverse doctor opens. The trail is the experts' (not the court's)."""
    m, users, victim, insurer = case
    d1 = factories.medical(m, victim, title="Radio")
    d2 = factories.medical(m, victim, title="IRM")
    consent = factories.consent(m, victim, to=insurer, written=True, recorded_by=users["victim_avocat"])
    assert access.decide(users["insurer_doctor"], "view", d2).allowed
    consent_update(
        by=users["victim_avocat"],
        consent=consent,
        granted_on=date(2026, 9, 18),
        documents=[d1],
        reason="Le patient n'avait consenti que pour la radio.",
    )
    assert access.decide(users["insurer_doctor"], "view", d1).allowed
    assert not access.decide(users["insurer_doctor"], "view", d2).allowed
    change = Change.objects.get(mission=m, subject="consent")
    assert change.changes == {
        "donné le": ["20/09/2026", "18/09/2026"],
        "pièces couvertes": ["toutes", f"n° {d1.number}"],
    }
    assert not change.court_visible and change.by == users["victim_avocat"]
    for name in ("sapiteur", "insurer_avocat", "insurer_doctor", "victim_doctor"):
        with pytest.raises(PermissionDenied):
            consent_update(by=users[name], consent=consent, documents=[])


def test_a_consent_correction_keeps_the_rules_of_the_grant(case):
    """Rule 5: written for an insurer, a signed scan makes it written; an expert records the patient's
    decision on his signed statement only; never dated in the future (issue #14 item 5)."""
    m, users, victim, insurer = case
    written = factories.consent(m, victim, to=insurer, written=True, recorded_by=users["patient"])
    with pytest.raises(ValidationError) as caught:
        consent_update(by=users["patient"], consent=written, written=False)
    assert "written" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        consent_update(by=users["patient"], consent=written, granted_on=FUTURE)
    assert "granted_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        consent_update(by=users["patient"], consent=written, revoked_on=date(2026, 10, 1))
    assert "revoked_on" in caught.value.message_dict

    doctor_party = factories.party(m, name="Mutuelle", role="intervenant")
    oral = consent_grant(
        recorded_by=users["patient"],
        mission=m,
        patient=victim,
        grantee="party",
        grantee_party=doctor_party,
        granted_on=date(2026, 9, 21),
    )
    with pytest.raises(ValidationError) as caught:
        consent_update(by=users["lead"], consent=oral, granted_on=date(2026, 9, 22))
    assert "scan" in caught.value.message_dict
    consent_update(by=users["lead"], consent=oral, granted_on=date(2026, 9, 22), scan=factories.pdf_upload("c.pdf"))
    oral.refresh_from_db()
    assert oral.written and oral.scan and oral.granted_on == date(2026, 9, 22)

    with pytest.raises(ValidationError) as caught:
        consent_grant(recorded_by=users["patient"], mission=m, patient=victim, grantee="experts", granted_on=FUTURE)
    assert "granted_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        consent_revoke(by=users["patient"], consent=oral, revoked_on=FUTURE)
    assert "revoked_on" in caught.value.message_dict
    consent_revoke(by=users["patient"], consent=oral, revoked_on=date(2026, 10, 1))
    consent_update(by=users["patient"], consent=oral, revoked_on=date(2026, 10, 2))
    assert Consent.objects.get(pk=oral.pk).revoked_on == date(2026, 10, 2)


def test_the_consents_page_corrects_a_consent(client, case):
    """The correction form opens from the consents list (?corriger=) for who records the patient's
    decisions, and shows the service's refusal at its field."""
    m, users, victim, insurer = case
    d1 = factories.medical(m, victim, title="Radio")
    consent = factories.consent(m, victim, to=insurer, written=True, recorded_by=users["patient"])
    url = reverse("cases:mission_consents", args=[m.pk])
    client.force_login(users["patient"])
    page = client.get(url).content.decode()
    assert f"?corriger={consent.pk}" in page
    assert client.get(url, {"corriger": consent.pk}).context["edit_form"] is not None
    post = {"form": "edit", "edit-consent": consent.pk, "edit-granted_on": FUTURE.isoformat(), "edit-written": "on"}
    response = client.post(url, post)
    assert response.status_code == 400 and "granted_on" in response.context["edit_form"].errors
    response = client.post(url, {**post, "edit-granted_on": "2026-09-19", "edit-documents": [d1.pk]})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.granted_on == date(2026, 9, 19) and list(consent.documents.all()) == [d1]
    client.force_login(users["insurer_avocat"])
    assert client.get(url, {"corriger": consent.pk}).status_code == 403
