"""The size of a request: refused with 413 from its Content-Length, before its body is read, when
it is larger than anything the portal accepts; the largest accepted upload still goes through."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaigns.models import Activity, ConstructionArea
from campaigns.services.work import ACTIVITY_FILES_MAX, RECTIFICATION_FILES_MAX
from tests.conftest import login

MB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=civport-boundary"


class UnreadableInput(io.RawIOBase):
    """A wsgi.input that fails the test as soon as anything reads from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.read_bytes += len(buffer)
        raise AssertionError("the request body was read")


def _send(client, path, *, length, **extra):
    stream = UnreadableInput()
    meta = {"wsgi.input": stream, "CONTENT_TYPE": MULTIPART, **extra}
    if length is not None:
        meta["CONTENT_LENGTH"] = str(length)
    response = client.generic("POST", path, **meta)
    assert stream.read_bytes == 0
    return response


def test_a_200_mb_post_to_the_login_page_is_refused_unread(db):
    response = _send(Client(), reverse("login"), length=200 * MB)
    assert response.status_code == 413
    assert 'data-testid="request-too-large"' in response.content.decode()


def test_the_refusal_names_the_limit_in_the_users_language(db, settings):
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _send(english, reverse("login"), length=200 * MB).content.decode()
    assert "The portal accepts at most 2.0\xa0MB in one request" in page
    chinese = _send(Client(), reverse("login"), length=200 * MB)
    assert '<html lang="zh-CN">' in chinese.content.decode()
    assert "2.0\xa0MB" in chinese.content.decode()


def test_without_a_login_no_page_takes_more_than_the_form_fields(db, settings):
    # Nothing open without a login takes a file: the limit there is the form fields' own.
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    assert _send(Client(), reverse("login"), length=too_big).status_code == 413
    assert _send(Client(), reverse("campaigns:public-feedback"), length=too_big).status_code == 413


def test_a_logged_in_user_is_refused_above_the_largest_upload(client, unit_contact, settings):
    login(client, unit_contact)
    path = reverse("campaigns:activity-create")
    length = settings.CIVPORT_REQUEST_MAX_BYTES + 1
    assert _send(client, path, length=length).status_code == 413
    assert not Activity.objects.exists()


def test_a_chunked_body_without_a_length_is_refused_unread(db):
    response = _send(Client(), reverse("login"), length=None, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411


@pytest.mark.parametrize("length", ["lots", "-5", "1e9"])
def test_an_invalid_length_is_refused_unread(db, length):
    assert _send(Client(), reverse("login"), length=length).status_code == 400


def test_the_limit_covers_every_form_that_takes_files(settings):
    largest_form = (
        max(ACTIVITY_FILES_MAX, RECTIFICATION_FILES_MAX) * settings.CIVPORT_UPLOAD_MAX_BYTES
    )
    needed = max(largest_form, settings.CIVPORT_IMPORT_MAX_BYTES)
    assert needed + settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.CIVPORT_REQUEST_MAX_BYTES
    # The README gives the proxy's client_max_body_size from this value.
    assert settings.CIVPORT_REQUEST_MAX_BYTES == 104 * MB


def test_the_largest_upload_the_portal_accepts_still_goes_through(client, world, unit_contact):
    """An activity with as many evidence files as it may have, each of the largest size."""
    from django.conf import settings

    size = settings.CIVPORT_UPLOAD_MAX_BYTES
    content = b"%PDF-1.4\n" + b"0" * (size - 9)
    login(client, unit_contact)
    response = client.post(
        reverse("campaigns:activity-create"),
        {
            "unit": world.sz.units[0].pk,
            "occurred_on": "2026-03-02",
            "form": Activity.Form.SYMPOSIUM,
            "areas": [ConstructionArea.objects.get(code="service").pk],
            "title": "通关座谈会",
            "description": "座谈",
            "participant_count": "30",
            "uploads": [
                SimpleUploadedFile(f"纪要{i}.pdf", content, content_type="application/pdf")
                for i in range(ACTIVITY_FILES_MAX)
            ],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get()
    assert [e.file.size for e in activity.evidence.all()] == [size] * ACTIVITY_FILES_MAX
