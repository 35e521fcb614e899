"""Every PDF the portal renders goes through `pdf_render`: WeasyPrint with a fetcher that reads
only the portal's own static files and `data:` URLs.

WeasyPrint's default fetcher follows `file://`, `http://` and `ftp://` URLs: a document whose HTML
carries text a user typed (a unit's name, an answer) could otherwise make the server read its
own files into a PDF or call services on the intranet. Anything else is refused with an exception,
so WeasyPrint skips that image or stylesheet and renders the rest.
"""

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

logger = logging.getLogger(__name__)


class ResourceRefused(ValueError):
    """A document asked for a resource outside the portal's static files."""


def pdf_base_url() -> str:
    """Relative URLs in a document (`{% static %}` gives `/static/…`) resolve against the portal's
    public address; the fetcher maps that address's static URLs to files, never to the network."""
    return settings.CIVPORT_PUBLIC_URL + "/"


def static_file_for(url: str) -> str | None:
    """The file behind one of the portal's static URLs, or None when `url` is not one.

    Refuses (None) a path that climbs out of the static directories, also when percent-encoded."""
    parts = urlsplit(url)
    origin = urlsplit(pdf_base_url())
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    prefix = urlsplit(settings.STATIC_URL).path
    path = unquote(parts.path)
    if not prefix.startswith("/") or not path.startswith(prefix):
        return None
    relative = path.removeprefix(prefix)
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    if any(segment in ("", ".", "..") for segment in relative.split("/")):
        return None
    if posixpath.normpath(relative) != relative:
        return None
    try:
        found = finders.find(relative)
        if found:
            return str(found)
        if settings.STATIC_ROOT:
            candidate = safe_join(str(settings.STATIC_ROOT), relative)
            return candidate if posixpath.isfile(candidate) else None
    except SuspiciousFileOperation:
        return None
    return None


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.lower().startswith("data:"):
                # urllib's data: handler decodes it in memory; no other handler can match.
                return super().fetch(url, headers)
            path = static_file_for(url)
            if path is None:
                logger.warning("PDF resource refused: %s", url[:200])
                raise ResourceRefused(f"not one of the portal's static files: {url[:200]}")
            with open(path, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return PortalURLFetcher


def portal_url_fetcher():
    """A WeasyPrint URL fetcher that serves the portal's static files and `data:` URLs only."""
    return _url_fetcher_class()(allowed_protocols=("data", "http", "https"), timeout=1)


def pdf_render(html: str) -> bytes:
    """PDF bytes of a document's HTML.

    PDF 1.4 has no object streams: every viewer on the intranet opens it, and the embedded
    font's name stays readable in the file."""
    from weasyprint import HTML  # imported here: loading WeasyPrint costs every web process

    return HTML(string=html, base_url=pdf_base_url(), url_fetcher=portal_url_fetcher()).write_pdf(
        pdf_version="1.4"
    )
