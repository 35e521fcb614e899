"""A later nomination's dossier cites honours the nominee holds from other decided rounds (a
province's own title in a national nomination), picked from its honours, never typed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import Honour, Nomination, Round
from awards.selectors.honours import citable_honours
from awards.services.nominations import nomination_honours_cite
from tests.awards.province_rounds_support import gd_round, make_gd_scheme
from tests.conftest import login


def _honour(round, nomination, number):
    return Honour.objects.create(
        nomination=nomination,
        round=round,
        title=nomination.title,
        province=nomination.province,
        recipient=nomination.nominee_name or "单位",
        number=number,
        code=f"code-{number}",
    )


@pytest.fixture
def provincial_honours(world, template, make_nomination):
    """Guangdong's decided round: Shenzhen's two units hold its advanced-unit title."""
    round = gd_round(world, make_gd_scheme(world, template))
    Round.objects.filter(pk=round.pk).update(phase=Round.Phase.CLOSED)
    return [
        _honour(round, make_nomination(round, unit, status=Nomination.Status.AWARDED), number)
        for unit, number in ((world.sz.units[0], "GD-B0001"), (world.sz.units[1], "GD-B0002"))
    ]


@pytest.fixture
def national_draft(world, award_round, make_nomination):
    return make_nomination(award_round, world.sz.units[0], status=Nomination.Status.DRAFT)


def test_the_nominees_own_honours_are_citable(provincial_honours, national_draft):
    assert list(citable_honours(national_draft)) == [provincial_honours[0]]
    nomination_honours_cite(actor=None, nomination=national_draft, honours=[provincial_honours[0]])
    assert list(national_draft.cited_honours.all()) == [provincial_honours[0]]


def test_another_nominees_honour_is_refused(provincial_honours, national_draft):
    with pytest.raises(ValidationError):
        nomination_honours_cite(
            actor=None, nomination=national_draft, honours=[provincial_honours[1]]
        )
    assert not national_draft.cited_honours.exists()


def test_a_revoked_honour_is_not_citable(provincial_honours, national_draft):
    from django.utils import timezone

    Honour.objects.filter(pk=provincial_honours[0].pk).update(revoked_at=timezone.now())
    assert not citable_honours(national_draft).exists()


def test_the_port_officer_picks_the_honours_on_the_page(
    client, provincial_honours, national_draft, port_officer, nb_officer
):
    url = reverse("awards:nomination-honours", args=[national_draft.pk])
    login(client, nb_officer)
    assert client.get(url).status_code == 404
    login(client, port_officer)
    page = client.get(url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["honours"].queryset) == [provincial_honours[0]]
    response = client.post(url, {"honours": [provincial_honours[0].pk]})
    assert response.status_code == 302
    assert list(national_draft.cited_honours.all()) == [provincial_honours[0]]
    refused = client.post(url, {"honours": [provincial_honours[1].pk]})
    assert refused.status_code == 200
    assert list(national_draft.cited_honours.all()) == [provincial_honours[0]]


def test_the_dossier_shows_the_honours_cited(
    client, provincial_honours, national_draft, port_officer
):
    nomination_honours_cite(actor=None, nomination=national_draft, honours=[provincial_honours[0]])
    login(client, port_officer)
    url = reverse("awards:nomination-detail", args=[national_draft.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="cited-honours"' in page
    assert "GD-B0001" in page
    assert "GD-B0002" not in page
