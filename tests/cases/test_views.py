"""The expert's workspace over HTTP: outsiders get 404, members see their pages, experts work."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from cases.models import Document, Mission, Party
from cases.services.convocations import convocation_create
from tests import factories
from tests.conftest import MISSION_PAGES, stored_files
from tests.files import good_files

pytestmark = pytest.mark.django_db


def _routes(resolver: URLResolver | None = None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name and entry.pattern.converters:
            yield f"{namespace}{entry.name}", sorted(entry.pattern.converters)


@pytest.fixture
def situation():
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    doc = factories.medical(m, victim)
    return m, victim, doc


def test_every_route_taking_an_id_answers_404_to_an_outsider(client, situation):
    """Rule 1 (art. 160 CPC): even the existence of a case is secret."""
    m, _, doc = situation
    convocation = convocation_create(
        by=factories.lead_expert(m), mission=m, meeting_at=timezone.now(), place="Cabinet", confirm_warnings=True
    )
    ids = {"pk": m.pk, "recipient_id": convocation.recipients.first().pk, "token": "not-a-token"}
    outsider = factories.expert()
    client.force_login(outsider)
    routes = {name: conv for name, conv in _routes() if name.startswith("cases:")}
    assert {"cases:document_download", "cases:mission_detail", "cases:convocation_letter"} <= set(routes)
    for name, converters in sorted(routes.items()):
        kwargs = {c: ids[c] for c in converters}
        if name.startswith("cases:document"):
            kwargs["pk"] = doc.pk
        for method in (client.get, client.post):
            response = method(reverse(name, kwargs=kwargs))
            assert response.status_code == 404, (name, method)
    missing = client.get(reverse("cases:mission_detail", args=[999999]))
    hidden = client.get(reverse("cases:mission_detail", args=[m.pk]))
    assert missing.status_code == hidden.status_code == 404
    assert _without_csrf(missing.content) == _without_csrf(hidden.content)


def _without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_anonymous_user_is_sent_to_the_login_page(client, situation):
    m, _, _ = situation
    response = client.get(reverse("cases:mission_detail", args=[m.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_login_page_is_in_french(client):
    response = client.get("/connexion/")
    assert response.status_code == 200
    assert "Connexion" in response.content.decode() and 'lang="fr"' in response.content.decode()


def test_expert_sees_every_tab_of_his_mission(client, situation):
    m, _, _ = situation
    client.force_login(m.assignments.get().expert)
    for name in MISSION_PAGES:
        response = client.get(reverse(name, args=[m.pk]))
        assert response.status_code == 200, name
        assert m.title in response.content.decode()


def test_dashboard_lists_only_the_user_s_missions(client):
    mine = factories.mission(title="Affaire Alpha")
    factories.mission(title="Affaire Beta")
    client.force_login(mine.assignments.get().expert)
    page = client.get("/").content.decode()
    assert "Affaire Alpha" in page and "Affaire Beta" not in page


def test_clerk_sees_the_missions_of_his_court_only(client):
    court = factories.CourtFactory()
    ours = factories.mission(court=court, title="Affaire du ressort")
    factories.mission(title="Affaire d'ailleurs")
    client.force_login(factories.clerk(court))
    page = client.get("/").content.decode()
    assert "Affaire du ressort" in page and "Affaire d'ailleurs" not in page
    assert client.get(reverse("cases:mission_documents", args=[ours.pk])).status_code == 200


def test_expert_creates_a_mission_from_the_court_order(client):
    the_expert = factories.expert()
    court = factories.CourtFactory(name="Tribunal judiciaire de Lyon")
    client.force_login(the_expert)
    response = client.post(
        reverse("cases:mission_create"),
        {
            "court": court.pk,
            "rg": "26/07777",
            "title": "Durand c/ Mutuelle",
            "framework": "road_accident",
            "kind": "initial",
            "ordered_on": "2026-09-01",
            "report_due": "2027-01-31",
            "judge": "",
            "consignation_amount": "1200",
            "consignation_due": "2026-10-01",
            "questions": "1/ Examiner la victime.\n2/ Fixer la date de consolidation.\n\n",
        },
    )
    m = Mission.objects.get(rg="26/07777")
    assert response.status_code == 302 and response["Location"] == reverse("cases:mission_parties", args=[m.pk])
    assert [q.text for q in m.questions.all()] == ["Examiner la victime.", "Fixer la date de consolidation."]
    assert m.assignments.get().expert == the_expert
    assert m.consignations.get().amount == 1200


def test_mission_form_errors_are_in_french_next_to_the_field(client):
    client.force_login(factories.expert())
    response = client.post(
        reverse("cases:mission_create"),
        {
            "court": factories.CourtFactory().pk,
            "rg": "26/1",
            "title": "X",
            "framework": "civil",
            "kind": "initial",
            "ordered_on": "2026-09-01",
            "report_due": "2026-08-01",
            "questions": "Examiner.",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["report_due"] == [
        "La date de dépôt ne peut précéder la date de la décision."
    ]
    assert Mission.objects.count() == 0


def test_only_experts_create_missions(client):
    client.force_login(factories.UserFactory(role="avocat"))
    assert client.get(reverse("cases:mission_create")).status_code == 403


def test_expert_adds_parties_and_representatives(client):
    m = factories.mission()
    client.force_login(m.assignments.get().expert)
    url = reverse("cases:mission_parties", args=[m.pk])
    client.post(
        url,
        {
            "form": "party",
            "party-name": "Jeanne Petit",
            "party-role": "demandeur",
            "party-is_victim": "on",
            "party-opposable": "on",
        },
    )
    client.post(
        url,
        {
            "form": "party",
            "party-name": "Assurances Sud",
            "party-role": "defendeur",
            "party-is_insurer": "on",
            "party-opposable": "on",
        },
    )
    assert list(m.parties.values_list("name", "is_victim", "is_insurer")) == [
        ("Jeanne Petit", True, False),
        ("Assurances Sud", False, True),
    ]
    lawyer = factories.UserFactory(role="avocat", name="Me Lenoir", email="lenoir@example.org")
    client.post(
        url,
        {
            "form": "representative",
            "rep-party": m.parties.get(name="Assurances Sud").pk,
            "rep-role": "avocat",
            "rep-email": "Lenoir@Example.org",  # seated by e-mail address, never picked from a list
        },
    )
    assert m.parties.get(name="Assurances Sud").representatives.get().user == lawyer
    assert "Me Lenoir" in client.get(url).content.decode()


def test_members_who_are_not_experts_cannot_change_the_mission(client, situation):
    m, victim, _ = situation
    lawyer = factories.represent(victim)
    client.force_login(lawyer)
    response = client.post(
        reverse("cases:mission_parties", args=[m.pk]),
        {"form": "party", "party-name": "Intrus", "party-role": "intervenant"},
    )
    assert response.status_code == 403
    assert not Party.objects.filter(name="Intrus").exists()


def test_upload_several_files_from_the_browser(client, situation):
    m, victim, _ = situation
    client.force_login(m.assignments.get().expert)
    files = good_files()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {
            "files": [
                SimpleUploadedFile("radio.jpg", files["radio.jpg"]),
                SimpleUploadedFile("cr.pdf", files["certificat.pdf"]),
            ],
            "produced_by": f"party:{victim.pk}",
            "is_medical": "on",
            "about": victim.pk,
            "date": "2026-04-01",
        },
    )
    assert response.status_code == 302
    assert list(m.documents.order_by("number").values_list("number", "title")) == [
        (1, "Certificat médical initial"),
        (2, "radio"),
        (3, "cr"),
    ]
    page = client.get(reverse("cases:mission_documents", args=[m.pk])).content.decode()
    assert "radio" in page and "cr" in page


def test_a_refused_upload_is_explained_where_it_was_typed_and_nothing_is_kept(client, situation, private_media):
    m, _, _ = situation
    client.force_login(m.assignments.get().expert)
    before = stored_files(private_media)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {
            "files": [
                SimpleUploadedFile("bon.pdf", good_files()["certificat.pdf"]),
                SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100),
            ],
            "produced_by": "court",
        },
    )
    assert response.status_code == 400
    errors = response.context["upload_form"].errors["files"]
    assert any("« virus.pdf » est refusé" in e for e in errors)
    assert m.documents.count() == 1
    assert stored_files(private_media) == before


def test_oversized_upload_is_stopped_while_streaming(client, situation, settings, private_media):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 10_000
    m, _, _ = situation
    client.force_login(m.assignments.get().expert)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = good_files()["certificat.pdf"] + b"%" * 50_000
    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {"files": [SimpleUploadedFile("gros.pdf", big)], "produced_by": "court"},
    )
    assert response.status_code == 400
    assert any("« gros.pdf » dépasse la taille maximale" in e for e in response.context["upload_form"].errors["files"])
    assert m.documents.count() == 1


def test_download_headers(client, situation):
    m, _, doc = situation
    client.force_login(m.assignments.get().expert)
    response = client.get(reverse("cases:document_download", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_document_list_query_count_does_not_grow_with_the_number_of_pieces(client, situation):
    m, victim, _ = situation
    the_expert = m.assignments.get().expert
    client.force_login(the_expert)
    url = reverse("cases:mission_documents", args=[m.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        factories.document(
            m,
            title=f"Pièce {i}",
            medical=bool(i % 2),
            about=victim if i % 2 else None,
            producer_party=victim if i % 3 == 0 else None,
        )
    assert Document.objects.filter(mission=m).count() == 13
    assert count() == few
