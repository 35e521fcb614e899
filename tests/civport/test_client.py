"""The client address behind the HTTPS proxy: one value for the rate limits, the login lockout
and the audit log, taken from X-Forwarded-For only when the request comes from a trusted proxy.

Every test uses its own random addresses, so rate-limit counters never carry over between tests.
"""

import ipaddress
import uuid

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from campaigns.models import Feedback
from campaigns.services import public as public_services
from civport.client import client_address, from_trusted_proxy
from civport.models import AuditEntry

PROXY = "10.20.0.5"


def _address():
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


def _v4():
    return str(ipaddress.IPv4Address(uuid.uuid4().int % 2**32))


@pytest.fixture
def behind_proxy(settings):
    settings.CIVPORT_TRUSTED_PROXIES = ["10.20.0.0/24", "127.0.0.1"]


def _through_proxy(client_ip, **extra):
    """A browser at `client_ip` whose requests reach the portal through the proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip, **extra)


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


# --- the address itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # Not from a proxy: the header is the client's own word and is ignored.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # From the proxy: the address it appended.
        (PROXY, "198.51.100.1", "198.51.100.1"),
        # A client-forged entry sits to the left of the one the proxy appended.
        (PROXY, "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        # Two trusted proxies in a row: the first address from outside them.
        (PROXY, "198.51.100.1, 10.20.0.7", "198.51.100.1"),
        (PROXY, "garbage, 198.51.100.1", "198.51.100.1"),
        # A malformed entry where the client should be: REMOTE_ADDR, not a guess.
        (PROXY, "198.51.100.1, not-an-address", PROXY),
        (PROXY, "", PROXY),
        (PROXY, None, PROXY),
        (PROXY, " 2001:db8::1 ", "2001:db8::1"),
        (PROXY, "::ffff:198.51.100.1", "198.51.100.1"),
        # Only trusted hops: where the request started.
        (PROXY, "127.0.0.1", "127.0.0.1"),
        ("not-an-address", "198.51.100.1", None),
    ],
)
def test_client_address(behind_proxy, remote, forwarded, expected):
    assert client_address(_request(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.CIVPORT_TRUSTED_PROXIES = []
    request = _request("127.0.0.1", "198.51.100.1")
    assert client_address(request) == "127.0.0.1"
    assert not from_trusted_proxy(request)


def test_from_trusted_proxy(behind_proxy):
    assert from_trusted_proxy(_request("10.20.0.200"))
    assert not from_trusted_proxy(_request("10.20.1.1"))


# --- rate limits ------------------------------------------------------------------------------


def _feedback(client, port):
    url = reverse("campaigns:public-feedback", args=[port.code])
    return client.post(url, {"kind": "complaint", "text": "排队时间太长"})


def test_six_visitors_behind_the_proxy_each_get_their_own_limit(world, behind_proxy, settings):
    settings.CIVPORT_RATE_LIMITS = {"feedback": (2, 3600)}
    visitors = [_through_proxy(_address()) for _ in range(6)]
    for visitor in visitors:
        assert _feedback(visitor, world.sz.port).status_code == 302
        assert _feedback(visitor, world.sz.port).status_code == 302
    assert Feedback.objects.count() == 12
    # Each is now at its own limit, and only at its own.
    assert all(_feedback(visitor, world.sz.port).status_code == 429 for visitor in visitors)
    assert _feedback(_through_proxy(_address()), world.sz.port).status_code == 302


def test_tracking_lookups_behind_the_proxy_count_per_visitor(world, behind_proxy, settings):
    settings.CIVPORT_RATE_LIMITS = {"track": (1, 600)}
    _item, code = public_services.feedback_submit(
        port=world.sz.port, kind=Feedback.Kind.SUGGESTION, text="增加自助通关通道"
    )
    url = reverse("campaigns:feedback-track", args=[code])
    first, second = _through_proxy(_address()), _through_proxy(_address())
    assert first.get(url).status_code == 200
    assert second.get(url).status_code == 200
    assert first.get(url).status_code == 429


def test_a_forged_header_from_outside_the_proxies_is_limited_by_its_own_address(
    world, behind_proxy, settings
):
    settings.CIVPORT_RATE_LIMITS = {"feedback": (2, 3600)}
    remote = _address()
    statuses = [
        _feedback(
            Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=_address()), world.sz.port
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]


# --- the login lockout ------------------------------------------------------------------------


def _log_in(client, password):
    return client.post(reverse("login"), {"username": "national", "password": password})


def test_wrong_passwords_from_one_address_do_not_lock_out_another(
    national_admin, behind_proxy, settings
):
    attacker = _through_proxy(_v4())
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        response = _log_in(attacker, "wrong-password")
    assert b'data-testid="locked-out"' in response.content
    # The attacker's pair stays locked, even with the right password...
    assert b'data-testid="locked-out"' in _log_in(attacker, "correct-horse-battery").content
    assert "_auth_user_id" not in attacker.session
    # ...while the national office logs in from its own address through the same proxy.
    office = _through_proxy(_v4())
    response = _log_in(office, "correct-horse-battery")
    assert response.status_code == 302
    assert office.session["_auth_user_id"] == str(national_admin.pk)


def test_a_forged_header_does_not_escape_the_lockout(national_admin, behind_proxy, settings):
    remote = _v4()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=_v4()), "wrong-password")
    retry = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=_v4())
    assert b'data-testid="locked-out"' in _log_in(retry, "correct-horse-battery").content
    assert "_auth_user_id" not in retry.session


# --- the audit log ----------------------------------------------------------------------------


def test_the_audit_entry_records_the_forwarded_client_address(world, behind_proxy):
    visitor = _address()
    assert _feedback(_through_proxy(visitor), world.sz.port).status_code == 302
    entry = AuditEntry.objects.get(action="campaigns.feedback.submitted")
    assert entry.ip_address == visitor
