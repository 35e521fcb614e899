from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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
