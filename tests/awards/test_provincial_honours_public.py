"""A province's honours are public like the national ones: on the honours board under the
province with the province's title, and on the verification page issued in its name."""

from django.urls import reverse

from awards.models import Honour, Nomination, Round
from tests.awards.province_rounds_support import gd_round, make_gd_scheme


def test_the_board_and_the_verification_page_show_the_province(
    client, world, template, make_nomination, in_english
):
    round = gd_round(world, make_gd_scheme(world, template))
    Round.objects.filter(pk=round.pk).update(phase=Round.Phase.DECIDED)
    nomination = make_nomination(round, world.sz.units[0], status=Nomination.Status.AWARDED)
    honour = Honour.objects.create(
        nomination=nomination,
        round=round,
        title=nomination.title,
        province=world.gd,
        recipient="深圳湾参与单位",
        number="gd-2025-2026-B0001",
        code="gdverifycode0001",
    )

    board = client.get(reverse("awards:honour-board")).content.decode()
    assert honour.recipient in board
    assert "Provincial advanced unit" in board
    assert (world.gd.short_name or world.gd.name) in board

    page = client.get(reverse("awards:verify", args=[honour.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.gd.name in text
    assert "Provincial advanced unit" in text
