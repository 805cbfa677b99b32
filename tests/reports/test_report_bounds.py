"""Dires are bounded (outside review, finding 10): one adverse avocat filing 1.2 MB of dires made the
draft report take 57 s to render. A dire is bounded when filed (DIRE_MAX_CHARS, read at call time),
in the forms and in the service; the report reproduces dires within a budget and keeps every
answer (CPC art. 276), so its size stays bounded whatever the parties file."""

import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Dire
from cases.services.dires import dire_answer, dire_prepare, dire_record
from cases.validators import DEFAULT_DIRE_MAX_CHARS
from reports.builder import build_report, report_dires
from tests import factories
from tests.reports.conftest import pdftotext

pytestmark = pytest.mark.django_db


def _insurer(mission):
    return mission.parties.get(name="Atlas Assurances")


def test_a_dire_over_the_limit_is_refused_by_the_form_and_by_the_service(client, lyon_report, settings):
    """The limit is a setting read at each call, not at import time."""
    settings.DIRE_MAX_CHARS = 500
    mission, users = lyon_report
    url = reverse("cases:mission_dires", args=[mission.pk])
    insurer = _insurer(mission)
    client.force_login(users["me.atlas"])
    response = client.post(url, {"form": "file", "party": insurer.pk, "text": "x" * 501})
    assert response.status_code == 400
    assert "500 caractères" in " ".join(response.context["own_form"].errors["text"])
    assert not Dire.objects.exists()
    # a line break sent by the browser as CR LF counts once
    assert client.post(url, {"form": "file", "party": insurer.pk, "text": "x\r\n" * 166 + "xx"}).status_code == 302

    with pytest.raises(ValidationError) as caught:
        dire_record(mission=mission, party=insurer, received_on=date(2026, 11, 2), text="y" * 501)
    assert "500 caractères" in caught.value.message_dict["text"][0]
    with pytest.raises(ValidationError) as caught:
        dire_prepare(party=insurer, prepared_by=users["dr.atlas"], text="y" * 501)
    assert list(caught.value.message_dict) == ["text"]
    dire = Dire.objects.get()
    with pytest.raises(ValidationError) as caught:
        dire_answer(by=factories.lead_expert(mission), dire=dire, answer="z" * 501, answered_on=date(2026, 11, 10))
    assert list(caught.value.message_dict) == ["answer"]

    client.force_login(users["dr.martin"])  # the experts' answer is bounded the same way
    response = client.post(url, {"form": "answer", "dire": dire.pk, "answer": "z" * 501}, follow=True)
    assert "500 caractères" in " ".join(str(m) for m in response.context["messages"])
    dire.refresh_from_db()
    assert dire.answer == ""

    settings.DIRE_MAX_CHARS = 1000
    dire_record(mission=mission, party=insurer, received_on=date(2026, 11, 2), text="y" * 501)


def test_report_dires_keep_every_answer_and_count_the_rest(lyon_report, settings):
    settings.REPORT_DIRES_MAX_FULL = 2
    mission, _ = lyon_report
    insurer = _insurer(mission)
    dires = [
        dire_record(mission=mission, party=insurer, received_on=date(2026, 11, 1) + timedelta(days=i), text=f"D{i}")
        for i in range(5)
    ]
    dire_answer(
        by=factories.lead_expert(mission),
        dire=dires[3],
        answer="Réponse au quatrième dire.",
        answered_on=date(2026, 11, 20),
    )
    section = report_dires(list(Dire.objects.select_related("party").order_by("received_on")))
    assert [(item.dire.text, item.reproduced) for item in section.items] == [("D0", True), ("D1", True), ("D3", False)]
    (others,) = section.others
    assert (others.party, others.count, others.first, others.last) == (
        "Atlas Assurances",
        2,
        date(2026, 11, 3),
        date(2026, 11, 5),
    )
    assert len(section) == 5


def test_the_largest_allowed_dires_render_within_a_bounded_page_count(lyon_report, tmp_path):
    """The worst a party can file: many dires of the largest size allowed, some shaped to take the
    most room (a line break per character pair, one unbreakable word), plus a 1.2 MB dire written
    before the limit existed. The report stays within a bounded number of pages."""
    mission, users = lyon_report
    insurer = _insurer(mission)
    base = build_report(mission).pages
    limit = DEFAULT_DIRE_MAX_CHARS
    prose = ("Le taux de déficit fonctionnel proposé paraît excessif au regard de l'état antérieur. " * 400)[:limit]
    shapes = [prose, ("a\n" * limit)[:limit], "x" * limit]
    day = date(2026, 11, 2)
    for i in range(30):
        dire_record(mission=mission, party=insurer, received_on=day, text=shapes[i % 3], filed_by=users["me.atlas"])
    with pytest.raises(ValidationError):
        dire_record(mission=mission, party=insurer, received_on=day, text="x" * (limit + 1))
    Dire.objects.create(mission=mission, party=insurer, received_on=day, text="y " * 600_000)  # legacy
    last = Dire.objects.order_by("-pk").first()
    dire_answer(
        by=factories.lead_expert(mission),
        dire=last,
        answer="Ce dire reprend les précédents ; il n'appelle pas d'autre réponse.",
        answered_on=day,
    )

    started = time.monotonic()
    built = build_report(mission)
    elapsed = time.monotonic() - started
    assert built.pages <= base + 20, (base, built.pages)  # about 16 pages of dires
    assert elapsed < 45, elapsed  # 57 s before, on a single 1.2 MB dire

    out = tmp_path / "draft.pdf"
    out.write_bytes(built.pdf)
    text = " ".join(pdftotext(out).split())
    assert "il n'appelle pas d'autre réponse" in text  # the answer stays
    assert "non reproduites dans le corps du rapport" in text
    assert "ne sont pas reproduits dans le corps du rapport" in text
