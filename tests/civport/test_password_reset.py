"""A forgotten password: by e-mail link where the portal sends e-mail (audited, limited per
address, the password rules applied), otherwise the login page sends the user to their
account manager."""

import re
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from civport.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def by_email(settings):
    settings.CIVPORT_PASSWORD_RESET_BY_EMAIL = True


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(
        "sz_officer", email="sz@example.gov.cn", password="Harbour-lights-0"
    )


def test_without_e_mail_the_login_page_names_the_account_manager(client, in_english, settings):
    settings.CIVPORT_PASSWORD_RESET_BY_EMAIL = False
    page = client.get(reverse("login")).content.decode()
    assert "Ask your account manager" in page
    assert reverse("password_reset") not in page
    assert client.get(reverse("password_reset")).status_code == 404


def test_the_link_sets_a_new_password_under_the_rules(client, by_email, officer, in_english):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "sz@example.gov.cn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    url = form.redirect_chain[-1][0]
    weak = client.post(url, {"new_password1": "harbourlights", "new_password2": "harbourlights"})
    assert weak.status_code == 200
    assert "at least 3 of these four" in weak.content.decode()
    done = client.post(
        url, {"new_password1": "Quay-lanterns-7", "new_password2": "Quay-lanterns-7"}
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password("Quay-lanterns-7")
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["civport.password.reset_requested", "civport.password.reset_by_email"]
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, by_email, officer):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_requests_are_limited_per_address_and_the_form_stays_filled(
    by_email, officer, settings, in_english
):
    settings.CIVPORT_RATE_LIMITS = {"password_reset": (1, 3600)}
    # An address of its own: the counts live in the cache, across tests.
    client = Client(REMOTE_ADDR=f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("password_reset"), {"email": "sz@example.gov.cn"})
    refused = client.post(reverse("password_reset"), {"email": "sz@example.gov.cn"})
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert 'value="sz@example.gov.cn"' in refused.content.decode()
    assert len(mail.outbox) == 1
