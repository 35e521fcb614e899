from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from civport.client import client_address
from civport.request_context import current_ip


class RequestContextMiddleware:
    """Remembers the client address of the current request for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose English with the language switch.

    The switch stores the choice in the language cookie. The browser's Accept-Language is not
    consulted: on the intranet many machines carry an English system locale, and the portal's
    working language is Chinese.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequestSizeLimitMiddleware:
    """Refuses a request whose body is larger than anything the portal accepts, before a byte
    of it is read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count the files of a multipart body, so without
    this a 200 MB POST to any page, the login page included, is written to a temporary file in
    full. The limit comes from the Content-Length header: CIVPORT_REQUEST_MAX_BYTES for a
    logged-in user, DATA_UPLOAD_MAX_MEMORY_SIZE for anyone else (no page open without a login
    takes a file). Django reads at most Content-Length bytes and nothing without it, so a chunked
    body without a length (gunicorn without the proxy) is refused rather than silently dropped.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self._refusal(request) or self.get_response(request)

    def _refusal(self, request):
        raw = request.META.get("CONTENT_LENGTH", "").strip()
        if not raw:
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return _refuse(request, 411)
            return None
        if not raw.isdigit():
            return _refuse(request, 400)
        if request.user.is_authenticated:
            limit = settings.CIVPORT_REQUEST_MAX_BYTES
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if int(raw) > limit:
            return _refuse(request, 413, limit=limit)
        return None


def _refuse(request, status, *, limit=None):
    if status == 413:
        heading = _("Too much sent at once")
        message = _(
            "The portal accepts at most %(limit)s in one request. Send fewer or smaller files at "
            "a time. If you were logged out, log in again first: without a login no page takes "
            "files."
        ) % {"limit": filesizeformat(limit)}
    else:
        heading = _("Request refused")
        message = _(
            "The request did not state a valid length. Send it again from the portal's own pages."
        )
    response = render(
        request,
        "civport/request_refused.html",
        {"status": status, "heading": heading, "message": message},
        status=status,
    )
    # The body was not read: the connection must not be reused for a next request.
    response["Connection"] = "close"
    return response
