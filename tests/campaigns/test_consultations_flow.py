"""Consultations (征求意见): asking, answering, the PDF letter, reminders, access and queries."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import services as hierarchy
from campaigns.models import Consultation, Unit
from campaigns.services import filings as services
from civport.models import Notification
from tests.conftest import login
from tests.queries import BASE, EXTRA


def today():
    return services.local_today()


def ask(world, user, *, unit=None, title="文明单位", due_in=10, **extra):
    return services.consultation_ask(
        actor=user,
        unit=unit or world.sz.units[0],
        title=title,
        reasons="连续三年考核达标",
        due_on=today() + datetime.timedelta(days=due_in),
        **extra,
    )


# --- services ---------------------------------------------------------------------------------


def test_unit_contact_asks_and_the_port_office_is_told(world, unit_contact, port_officer):
    consultation = ask(world, unit_contact, awarding_body="深圳市文明委")
    assert consultation.status == Consultation.Status.PENDING
    assert consultation.authority == world.sz.authority
    assert Notification.objects.filter(
        user=port_officer, key=f"consultation-asked:{consultation.pk}"
    ).exists()


def test_answer_gets_a_yearly_reference_number(world, unit_contact, port_officer):
    first = ask(world, unit_contact)
    second = ask(world, unit_contact, title="青年文明号")
    first = services.consultation_answer(actor=port_officer, consultation=first, agrees=True)
    second = services.consultation_answer(
        actor=port_officer, consultation=second, agrees=False, remarks="尚有整改事项未完成"
    )
    year = first.answered_at.year
    assert (first.reference_number, second.reference_number) == (1, 2)
    assert first.reference == f"{world.sz.authority.name}〔{year}〕1号"
    assert second.status == Consultation.Status.DISAGREED
    assert Notification.objects.filter(
        user=unit_contact, key=f"consultation-answered:{second.pk}"
    ).exists()


def test_disagreement_needs_remarks(world, unit_contact, port_officer):
    consultation = ask(world, unit_contact)
    with pytest.raises(ValidationError) as error:
        services.consultation_answer(actor=port_officer, consultation=consultation, agrees=False)
    assert "remarks" in error.value.message_dict
    consultation.refresh_from_db()
    assert consultation.is_pending


def test_answered_once_only(world, unit_contact, port_officer, gd_officer):
    consultation = ask(world, unit_contact)
    services.consultation_answer(actor=port_officer, consultation=consultation, agrees=True)
    with pytest.raises(ValidationError):
        services.consultation_answer(
            actor=gd_officer, consultation=consultation, agrees=False, remarks="x"
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_in": 0}, "due_on"),
        ({"due_in": -3}, "due_on"),
        ({"due_in": 400}, "due_on"),
        ({"title": ""}, "title"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"awarding_body": "<b>市文明委</b>"}, "awarding_body"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, unit_contact, change, field):
    with pytest.raises(ValidationError) as error:
        ask(world, unit_contact, **change)
    assert field in error.value.message_dict
    assert not Consultation.objects.exists()


def test_one_open_consultation_per_unit_and_title(world, unit_contact):
    ask(world, unit_contact)
    with pytest.raises(ValidationError) as error:
        ask(world, unit_contact)
    assert "title" in error.value.message_dict


def test_consultation_reminders_for_due_soon_and_overdue_once_a_day(
    world, unit_contact, port_officer
):
    ask(world, unit_contact, title="近期", due_in=2)
    overdue = ask(world, unit_contact, title="逾期", due_in=5)
    Consultation.objects.filter(pk=overdue.pk).update(due_on=today() - datetime.timedelta(days=1))
    ask(world, unit_contact, title="尚早", due_in=20)
    Notification.objects.all().delete()
    assert services.consultation_reminders_send(today=today()) == 2
    assert services.consultation_reminders_send(today=today()) == 0
    assert services.consultation_reminders_send(today=today() + datetime.timedelta(days=1)) == 2
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"sz_officer"}


def test_reminders_go_to_the_office_above_when_nobody_sits_at_the_authority(world, gd_officer):
    contact_unit = world.gz.units[0]
    ask(world, gd_officer, unit=contact_unit, due_in=1)
    Notification.objects.all().delete()
    assert services.consultation_reminders_send(today=today()) == 1
    assert Notification.objects.get().user == gd_officer


# --- screens ----------------------------------------------------------------------------------


@pytest.fixture
def many(world, unit_contact, port_officer):
    """Twelve consultations of Shenzhen units (with ports), half answered."""
    made = []
    for i in range(EXTRA):
        unit = hierarchy.unit_create(
            actor=None,
            code=f"GD-SZ-C{i}",
            name=f"深圳测试单位{i}",
            category=Unit.Category.OPERATION,
            port=world.sz.port,
            authority=world.sz.authority,
        )
        consultation = ask(world, port_officer, unit=unit, title=f"称号{i}")
        if i % 2:
            services.consultation_answer(actor=port_officer, consultation=consultation, agrees=True)
        made.append(consultation)
    return made


def test_list_query_count(client, port_officer, many, django_assert_num_queries):
    login(client, port_officer)
    # BASE + count + page rows (with unit, port and authority)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("campaigns:consultation-list"))
    html = response.content.decode()
    assert html.count("深圳测试单位") == EXTRA
    assert reverse("campaigns:consultation-create") in html


def test_detail_query_count(client, port_officer, many, django_assert_num_queries):
    login(client, port_officer)
    # BASE + consultation (with unit, port and authority)
    with django_assert_num_queries(BASE + 1):
        response = client.get(reverse("campaigns:consultation-detail", args=[many[0].pk]))
    assert reverse("campaigns:consultation-answer", args=[many[0].pk]) in response.content.decode()


def test_unit_contact_sees_own_units_consultations_only(client, world, unit_contact, many):
    mine = ask(world, unit_contact)
    login(client, unit_contact)
    html = client.get(reverse("campaigns:consultation-list")).content.decode()
    assert reverse("campaigns:consultation-detail", args=[mine.pk]) in html
    assert "深圳测试单位" not in html
    response = client.get(reverse("campaigns:consultation-detail", args=[many[0].pk]))
    assert response.status_code == 404


def test_other_province_gets_404(client, world, unit_contact, zj_officer, nb_officer):
    consultation = ask(world, unit_contact)
    for user in (zj_officer, nb_officer):
        login(client, user)
        for url in (
            reverse("campaigns:consultation-detail", args=[consultation.pk]),
            reverse("campaigns:consultation-letter", args=[consultation.pk]),
        ):
            assert client.get(url).status_code == 404
        url = reverse("campaigns:consultation-answer", args=[consultation.pk])
        assert client.post(url, {"decision": "agree"}).status_code == 404


def test_the_unit_contact_cannot_answer(client, world, unit_contact):
    consultation = ask(world, unit_contact)
    login(client, unit_contact)
    url = reverse("campaigns:consultation-answer", args=[consultation.pk])
    assert client.post(url, {"decision": "agree"}).status_code == 403
    consultation.refresh_from_db()
    assert consultation.is_pending


def test_ask_through_the_form_offers_only_own_units(client, world, unit_contact):
    login(client, unit_contact)
    url = reverse("campaigns:consultation-create")
    html = client.get(url).content.decode()
    assert world.sz.units[0].name in html
    assert world.sz.units[1].name not in html
    response = client.post(
        url,
        {
            "unit": world.sz.units[1].pk,
            "title": "文明单位",
            "reasons": "x",
            "due_on": (today() + datetime.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert 'id="id_unit-errors"' in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_past_due_date_is_refused_on_the_form(client, world, unit_contact):
    login(client, unit_contact)
    response = client.post(
        reverse("campaigns:consultation-create"),
        {
            "unit": world.sz.units[0].pk,
            "title": "文明单位",
            "reasons": "x",
            "due_on": (today() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert 'id="id_due_on-errors"' in response.content.decode()
    assert not Consultation.objects.exists()


def test_answer_on_the_form_and_download_the_letter(client, world, unit_contact, port_officer):
    consultation = ask(world, unit_contact, awarding_body="深圳市文明委")
    login(client, port_officer)
    url = reverse("campaigns:consultation-answer", args=[consultation.pk])
    response = client.post(url, {"decision": "disagree", "remarks": ""})
    assert response.status_code == 400
    assert 'id="id_remarks-errors"' in response.content.decode()
    response = client.post(url, {"decision": "disagree", "remarks": "尚有整改事项未完成"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.DISAGREED

    login(client, unit_contact)
    response = client.get(reverse("campaigns:consultation-letter", args=[consultation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The CJK font is embedded as a subset (WeasyPrint names it after the family: a prefix of six
    # capitals, then Noto-Serif-CJK-SC), so no character falls back to a missing glyph.
    assert re.search(rb"/BaseFont /[A-Z]{6}\+Noto-(Serif|Sans)-CJK-SC", response.content)
    assert b"Noto-Serif-CJK-SC" in response.content or b"Noto-Sans-CJK-SC" in response.content


def test_no_letter_before_the_answer(client, world, unit_contact):
    consultation = ask(world, unit_contact)
    login(client, unit_contact)
    url = reverse("campaigns:consultation-letter", args=[consultation.pk])
    assert client.get(url).status_code == 404
