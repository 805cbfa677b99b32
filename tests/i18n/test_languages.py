"""The interface in French (source and default) and in Arabic, right to left: the browser's language
before login, the language saved on the account after; a switcher that remembers the choice; a
complete Arabic catalogue."""

import re
import shutil
import subprocess
from datetime import date, time, timedelta
from pathlib import Path

import pytest
import time_machine
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"
LOGIN = "/connexion/"


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def _assert_arabic(response):
    html = response.content.decode()
    assert _html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in html
    assert "vendor/bootstrap/bootstrap.min.css" not in html
    assert response["Content-Language"] == "ar"


def _assert_french(response):
    html = response.content.decode()
    assert _html_tag(response) == '<html lang="fr" dir="ltr">'
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert "bootstrap.rtl.min.css" not in html
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("accept", ["ar", "ar-TN,ar;q=0.9,fr;q=0.8"])
def test_an_arabic_browser_gets_the_login_page_in_arabic_right_to_left(client, accept):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    _assert_arabic(response)
    html = response.content.decode()
    assert "<title>تسجيل الدخول · الاختبار الطبي العدلي</title>" in html
    assert "النفاذ مخصص للخبراء وكتابات المحاكم والمحامين والأطباء المستشارين وأطراف المأموريات." in html
    assert "اسم المستخدم" in html  # the login form's own label, from Django's Arabic catalogue
    assert "Connexion" not in html and "Se connecter" not in html
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("accept", [None, "fr-FR,fr;q=0.9", "en-US,en;q=0.9", "de"])
def test_french_is_the_default_and_the_source(client, accept):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get(LOGIN, **headers)
    assert response.status_code == 200
    _assert_french(response)
    assert "<title>Connexion · Expertise médicale judiciaire</title>" in response.content.decode()


def test_pages_of_error_are_in_the_visitor_s_language(client):
    response = client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    _assert_arabic(response)
    assert "الصفحة غير موجودة" in response.content.decode()


def test_server_error_and_csrf_failure_pages_render_in_arabic(rf):
    from django.views.csrf import csrf_failure
    from django.views.defaults import server_error

    with translation.override("ar"):
        error = server_error(rf.get("/"))
        expired = csrf_failure(rf.post("/"), reason="CSRF token missing.")
    assert error.status_code == 500 and expired.status_code == 403
    for response, title in ((error, "خطأ في الخادم"), (expired, "انتهت صلوحية الاستمارة")):
        html = response.content.decode()
        assert '<html lang="ar" dir="rtl">' in html and title in html
    # rendered without a request, the error page has no CSRF token to post the switcher with
    assert "language-switcher" not in error.content.decode()


def test_the_switcher_is_a_form_with_a_button_per_language_and_no_script(client):
    html = client.get(LOGIN + "?next=/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*id="language-switcher".*?</form>', html, re.S)
    assert form and form.group(1) == reverse("accounts:set_language")
    body = form.group(0)
    assert "csrfmiddlewaretoken" in body
    assert '<input type="hidden" name="next" value="/connexion/?next=/">' in body
    assert 'name="language" value="fr" lang="fr"' in body and ">Français</button>" in body
    assert 'name="language" value="ar" lang="ar"' in body and "disabled" in body  # the current one
    assert "<script" not in body and "onclick" not in body


def test_before_login_the_switcher_keeps_the_choice_in_a_cookie(client):
    response = client.post(reverse("accounts:set_language"), {"language": "ar", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ar" and cookie["httponly"] and cookie["samesite"] == "Lax"
    _assert_arabic(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr"))  # the choice wins over the browser


def test_a_logged_in_user_s_saved_language_wins_over_the_browser_and_the_cookie(client):
    arabic = factories.expert(language="ar")
    client.force_login(arabic)
    response = client.get(reverse("cases:dashboard"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr")
    assert response.status_code == 200
    _assert_arabic(response)
    html = response.content.decode()
    assert "مأمورياتي" in html and "خبير عدلي" in html  # the menu and his role
    # his language follows him to the pages after his logout, on this browser
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"

    french = factories.expert()  # the default: French
    assert french.language == "fr"
    client.force_login(french)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"  # left by the previous user of the computer
    response = client.get(reverse("cases:dashboard"), HTTP_ACCEPT_LANGUAGE="ar")
    _assert_french(response)
    assert "Mes missions" in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_switcher_saves_the_choice_on_the_account(client):
    user = factories.UserFactory(role=Role.PARTY)
    client.force_login(user)
    dashboard = reverse("cases:dashboard")
    response = client.post(reverse("accounts:set_language"), {"language": "ar", "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    user.refresh_from_db()
    assert user.language == "ar"

    # a new session on another browser, in French: the account's language wins
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    _assert_arabic(client.get(dashboard, HTTP_ACCEPT_LANGUAGE="fr"))

    client.post(reverse("accounts:set_language"), {"language": "fr", "next": dashboard})
    user.refresh_from_db()
    assert user.language == "fr"
    _assert_french(client.get(dashboard, HTTP_ACCEPT_LANGUAGE="ar"))


def test_the_switcher_refuses_an_unknown_language_a_foreign_next_and_a_get(client):
    user = factories.expert()
    client.force_login(user)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "fr"
    assert client.get(reverse("accounts:set_language")).status_code == 405


def test_after_logout_the_login_page_stays_in_the_user_s_language(client):
    user = factories.expert(language="ar")
    response = client.post(LOGIN, {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    client.get(reverse("cases:dashboard"))
    response = client.post(reverse("logout"), follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.redirect_chain and response.status_code == 200
    _assert_arabic(response)


def test_the_session_expiry_message_is_in_the_user_s_language(client):
    user = factories.expert(language="ar")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("cases:dashboard"), follow=True, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.redirect_chain[0][0].startswith(LOGIN)
    _assert_arabic(response)
    assert "انتهت جلسة العمل: يرجى تسجيل الدخول من جديد." in response.content.decode()


def test_arabic_dates_and_numbers_as_written_in_tunisia():
    with translation.override("ar"):
        assert formats.date_format(date(2026, 8, 5), "j F Y") == "5 أوت 2026"
        assert formats.date_format(date(2026, 1, 15)) == "15 جانفي 2026"
        assert formats.date_format(date(2026, 2, 1), "SHORT_DATE_FORMAT") == "01/02/2026"
        assert formats.time_format(time(15, 30)) == "15:30"
        assert forms.DateField().clean("25/10/2026") == date(2026, 10, 25)
        assert forms.DateField().clean("2026-10-25") == date(2026, 10, 25)
        assert formats.number_format("1234.5", 2, use_l10n=True, force_grouping=True) == "1\xa0234,50"
        assert str(Role.MEDECIN_CONSEIL.label) == "طبيب مستشار"
    with translation.override("fr"):
        assert formats.date_format(date(2026, 8, 5), "j F Y") == "5 août 2026"


def test_the_invitation_e_mail_is_written_in_the_language_of_the_mission(
    mailoutbox, django_capture_on_commit_callbacks
):
    """The invitee has no account yet: he is written to in the mission's language (DOMAIN.md §11),
    whatever the language of the expert's page."""
    from accounts.services import invitation_create

    tunis = factories.CourtFactory(code="tpi-tunis", country="TN")
    for language, page in (("ar", "fr"), ("fr", "ar")):
        mailoutbox.clear()
        m = factories.mission(court=tunis, language=language, rg=f"26/{language}")
        victim = factories.party(m, is_victim=True)
        with translation.override(page), django_capture_on_commit_callbacks(execute=True):
            invitation_create(
                invited_by=factories.lead_expert(m),
                mission=m,
                party=victim,
                role=Role.AVOCAT,
                email=f"{language}@ex.tn",
            )
        (mail,) = mailoutbox
        with translation.override(language):
            expected = translation.gettext("Invitation à rejoindre une expertise médicale judiciaire")
        assert mail.subject == expected and "/invitation/" in mail.body
        assert (language == "ar") == (expected != "Invitation à rejoindre une expertise médicale judiciaire")


def test_the_arabic_catalogue_is_complete():
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (Debian gettext) is missing: cannot count the catalogue's entries")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    assert "untranslated" not in output and "fuzzy" not in output, output
    translated = int(re.match(r"(\d+) translated message", output).group(1))
    assert translated >= 300, output
    text = CATALOGUE.read_text(encoding="utf-8")
    # the header was filled in, and every %(name)s placeholder of a message is kept in Arabic
    assert '"Language: ar\\n"' in text and "nplurals=6" in text
