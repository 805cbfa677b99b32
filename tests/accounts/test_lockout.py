"""Lockout (security review, finding 17): a court or a law firm shares one address, so one person's
typos lock his account, never his colleagues; an address alone is locked only after many failures
over many usernames (password spraying). The address is REMOTE_ADDR, never X-Forwarded-For."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/connexion/"
OFFICE = "10.0.0.1"  # the court's (or the law firm's) one address
ELSEWHERE = "10.0.0.2"


def _post(username: str, password: str, ip: str, **headers):
    # A fresh client each time: no session, as a colleague at another desk.
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def _fail(username: str, ip: str, times: int, **headers) -> None:
    for _ in range(times):
        response = _post(username, "wrong-password", ip, **headers)
        assert response.status_code in (200, 429)


def _logs_in(username: str, ip: str, **headers) -> bool:
    response = _post(username, factories.PASSWORD, ip, **headers)
    assert response.status_code in (302, 429), response.status_code
    return response.status_code == 302


def test_one_users_typos_do_not_lock_out_a_colleague_behind_the_same_address():
    typist, clerk = factories.expert(), factories.clerk(factories.CourtFactory())
    _fail(typist.username, OFFICE, settings.AXES_FAILURE_LIMIT)
    assert _logs_in(clerk.username, OFFICE)


def test_five_failures_lock_the_account_from_the_same_and_from_any_other_address():
    user = factories.expert()
    _fail(user.username, OFFICE, settings.AXES_FAILURE_LIMIT)
    assert not _logs_in(user.username, OFFICE)
    assert not _logs_in(user.username, ELSEWHERE)


def test_four_failures_do_not_lock_the_account():
    user = factories.expert()
    _fail(user.username, OFFICE, settings.AXES_FAILURE_LIMIT - 1)
    assert _logs_in(user.username, OFFICE)


def test_password_spraying_from_one_address_locks_that_address_only():
    colleague = factories.expert()
    limit = settings.LOCKOUT_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    victims = [factories.expert() for _ in range(limit // 2)]
    names = [v.username for v in victims] + [f"nobody{i}" for i in range(limit - len(victims))]
    for name in names[:-1]:  # one try per username: no account reaches its own limit
        _fail(name, OFFICE, 1)
    assert _logs_in(colleague.username, OFFICE), "one failure short of the limit, the address is still open"
    _fail(names[-1], OFFICE, 1)
    # The colleague's success above reset his own failures only: the address has its `limit` failures.
    assert not _logs_in(colleague.username, OFFICE)
    assert _logs_in(colleague.username, ELSEWHERE)
    assert _logs_in(victims[0].username, ELSEWHERE), "a sprayed account is not locked by a single failure"


def test_the_address_lock_ends_after_the_cool_off_and_the_refused_tries_do_not_count():
    colleague = factories.expert()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for i in range(settings.LOCKOUT_ADDRESS_FAILURE_LIMIT):
            _fail(f"nobody{i}", OFFICE, 1)
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):  # the colleague tries and tries while it is locked
            assert not _logs_in(colleague.username, OFFICE)
        assert _logs_in(colleague.username, ELSEWHERE), "tries refused by a lockout check no password"
        clock.shift(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
        assert _logs_in(colleague.username, OFFICE)


def test_a_forged_x_forwarded_for_neither_spreads_a_spray_nor_frees_a_locked_address():
    colleague = factories.expert()
    for i in range(settings.LOCKOUT_ADDRESS_FAILURE_LIMIT):
        _fail(f"nobody{i}", OFFICE, 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert not _logs_in(colleague.username, OFFICE, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert _logs_in(colleague.username, ELSEWHERE, HTTP_X_FORWARDED_FOR=OFFICE)


def test_a_forged_x_forwarded_for_does_not_lock_out_the_address_it_names():
    typist, clerk = factories.expert(), factories.expert()
    _fail(typist.username, ELSEWHERE, settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR=OFFICE)
    for i in range(settings.LOCKOUT_ADDRESS_FAILURE_LIMIT):
        _fail(f"nobody{i}", ELSEWHERE, 1, HTTP_X_FORWARDED_FOR=OFFICE)
    assert _logs_in(clerk.username, OFFICE)


def test_the_lockout_page_is_in_french_and_links_back_to_the_login_page():
    user = factories.expert()
    _fail(user.username, OFFICE, settings.AXES_FAILURE_LIMIT)
    response = _post(user.username, factories.PASSWORD, OFFICE)
    page = response.content.decode()
    assert response.status_code == 429
    assert "temporairement bloquée" in page
    assert f'href="{LOGIN}"' in page
    assert OFFICE not in page and "wrong-password" not in page
