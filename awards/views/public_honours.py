"""The honours board (荣誉榜) and certificate verification (证书核验), without login, and the
download of a certificate by those who see its nomination.

The public pages read only the honours of decided rounds, and the board only those standing; a
verification code is 32 random characters printed on the certificate (its QR code): an unknown
or guessed one is a plain 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from awards.filters import HonourBoardFilter
from awards.models import RenderStatus
from awards.selectors.honours import (
    honour_board,
    honour_by_code,
    honour_list_for,
    honour_provinces_public,
    honour_rounds_public,
)
from civport.pagination import paginate
from civport.queries import get_or_404
from civport.uploads import attachment_response


@login_not_required
@require_GET
def board(request):
    """The honours of the decided rounds, by round, title and province, searchable by name."""
    rounds = list(honour_rounds_public())
    provinces = list(honour_provinces_public())
    filterset = HonourBoardFilter(request.GET or None, rounds=rounds, provinces=provinces)
    board = honour_board(**filterset.board_filters())
    context = {"form": filterset.form, "rounds": rounds, **paginate(request, board)}
    return render(request, "awards/honours/board.html", context)


@login_not_required
@require_GET
@never_cache
def verify(request, code):
    """What the certificate with this code stands for, or that its title was revoked."""
    honour = honour_by_code(code)
    if honour is None:
        raise Http404
    response = render(request, "awards/honours/verify.html", {"honour": honour})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def certificate_download(request, pk):
    """The certificate PDF, for those who see the nomination; 404 until it is rendered."""
    honour = get_or_404(honour_list_for(request.user), pk)
    if honour.render_status != RenderStatus.DONE or not honour.pdf:
        raise Http404
    return attachment_response(
        honour.pdf, original_name=f"{honour.number}.pdf", content_type="application/pdf"
    )


urlpatterns = [
    path("honours/", board, name="honour-board"),
    path("verify/<str:code>/", verify, name="verify"),
    path(
        "awards/honours/<int:pk>/certificate.pdf",
        certificate_download,
        name="certificate-download",
    ),
]
