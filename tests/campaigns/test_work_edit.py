"""Editing plans, agreements and special campaigns after they were made: through the screens,
with the same checks as when they were made, an audit entry naming what changed, and a fixed
number of queries on each edit page.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Agreement, ConstructionArea, Plan, SpecialCampaign, Unit
from campaigns.services import unit_create
from campaigns.services import work as services
from civport.models import AuditEntry
from tests.conftest import login
from tests.queries import BASE, EXTRA

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SIGNED = datetime.date(2026, 3, 2)


def pdf(name="协议.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def area(code):
    return ConstructionArea.objects.get(code=code)


def _last_audit(action):
    return AuditEntry.objects.filter(action=action).order_by("-id").first()


@pytest.fixture
def records(world, port_officer, gd_officer):
    """Shenzhen with twelve more units; a draft plan, an agreement of all fourteen units with a
    signed file, and the province's special campaign with all of them and a Guangzhou unit."""
    sz = world.sz
    for i in range(EXTRA):
        unit_create(
            actor=None,
            code=f"GD-SZ-X{i:02}",
            name=f"深圳增补单位{i}",
            category=Unit.Category.OPERATION,
            port=sz.port,
            authority=sz.authority,
        )
    units = list(Unit.objects.filter(authority=sz.authority).order_by("code"))
    plan = services.plan_create(
        actor=port_officer, authority=sz.authority, year=2026, title="深圳2026年计划"
    )
    agreement = services.agreement_create(
        actor=port_officer,
        authority=sz.authority,
        title="业务共建协议",
        kind=Agreement.Kind.BUSINESS,
        parties=units,
        signed_on=SIGNED,
        terms="<p>双方共建</p>",
        upload=pdf("原协议.pdf"),
    )
    campaign = services.special_campaign_create(
        actor=gd_officer,
        authority=world.gd,
        name="廉洁口岸专项",
        theme_area=area("integrity"),
        members=[*units, world.gz.units[0]],
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        goals="<p>廉洁共建</p>",
    )
    world.records = (plan, agreement, campaign)
    return world


def _edit_urls(records):
    plan, agreement, campaign = records.records
    return [
        reverse("campaigns:plan-edit", args=[plan.pk]),
        reverse("campaigns:agreement-edit", args=[agreement.pk]),
        reverse("campaigns:special-campaign-edit", args=[campaign.pk]),
    ]


def _agreement_data(agreement, **extra):
    data = {
        "title": agreement.title,
        "kind": agreement.kind,
        "parties": list(agreement.parties.values_list("pk", flat=True)),
        "signed_on": agreement.signed_on.isoformat(),
        "valid_until": "",
        "terms": agreement.terms,
    }
    data.update(extra)
    return data


def _campaign_data(campaign, **extra):
    data = {
        "name": campaign.name,
        "theme_area": campaign.theme_area_id,
        "members": list(campaign.members.values_list("pk", flat=True)),
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "goals": campaign.goals,
    }
    data.update(extra)
    return data


# --- query counts ---------------------------------------------------------------------------


def _get(client, user, url, django_assert_num_queries, n):
    login(client, user)
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_plan_edit_page_queries(client, records, port_officer, django_assert_num_queries):
    plan = records.records[0]
    # base + plan (with its authority)
    response = _get(
        client,
        port_officer,
        reverse("campaigns:plan-edit", args=[plan.pk]),
        django_assert_num_queries,
        BASE + 1,
    )
    assert response.context["form"]["title"].value() == "深圳2026年计划"


def test_agreement_edit_page_queries(client, records, port_officer, django_assert_num_queries):
    agreement = records.records[1]
    # base + agreement + parties prefetch (the form's initial parties) + unit choices
    response = _get(
        client,
        port_officer,
        reverse("campaigns:agreement-edit", args=[agreement.pk]),
        django_assert_num_queries,
        BASE + 3,
    )
    form = response.context["form"]
    assert len(form.fields["parties"].choices) == EXTRA + 2
    assert len(form["parties"].value()) == EXTRA + 2
    assert "authority" not in form.fields


def test_special_campaign_edit_page_queries(client, records, gd_officer, django_assert_num_queries):
    campaign = records.records[2]
    # base + campaign (with its counts) + members (the form's initial) + unit choices + areas
    response = _get(
        client,
        gd_officer,
        reverse("campaigns:special-campaign-edit", args=[campaign.pk]),
        django_assert_num_queries,
        BASE + 4,
    )
    form = response.context["form"]
    # Every unit of the province: Shenzhen's fourteen and Guangzhou's two.
    assert len(form.fields["members"].choices) == EXTRA + 4
    assert len(form["members"].value()) == EXTRA + 3


# --- who may edit ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zj_officer", "nb_officer", "outsider"])
def test_other_province_gets_404_on_every_edit_page(client, records, persona, name):
    login(client, persona(name))
    for url in _edit_urls(records):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "x", "name": "x"}).status_code == 404, url
    plan, agreement, campaign = records.records
    assert Plan.objects.get(pk=plan.pk).title == "深圳2026年计划"
    assert Agreement.objects.get(pk=agreement.pk).title == "业务共建协议"
    assert SpecialCampaign.objects.get(pk=campaign.pk).name == "廉洁口岸专项"


def test_a_viewer_gets_403(client, records, unit_contact, port_officer):
    plan, agreement, campaign = records.records
    services.commitment_add(
        actor=port_officer,
        plan=plan,
        area=area("safety"),
        unit=records.sz.units[0],
        goal="目标",
        owner_name="负责人",
        due_on=datetime.date(2026, 10, 1),
        target_activities=1,
    )
    services.plan_publish(actor=port_officer, plan=plan)
    # The unit contact sees its authority's published plan, the agreement and the campaign its
    # unit is a party to, and changes none of them.
    login(client, unit_contact)
    for detail in (
        reverse("campaigns:plan-detail", args=[plan.pk]),
        reverse("campaigns:agreement-detail", args=[agreement.pk]),
        reverse("campaigns:special-campaign-detail", args=[campaign.pk]),
    ):
        response = client.get(detail)
        assert response.status_code == 200, detail
        assert "/edit/" not in response.content.decode()
    for url in _edit_urls(records):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x", "name": "x"}).status_code == 403, url
    # Shenzhen's officer sees the province's campaign (its units are members), cannot edit it.
    login(client, port_officer)
    url = reverse("campaigns:special-campaign-detail", args=[campaign.pk])
    assert "/edit/" not in client.get(url).content.decode()
    edit = reverse("campaigns:special-campaign-edit", args=[campaign.pk])
    assert client.get(edit).status_code == 403
    assert SpecialCampaign.objects.get(pk=campaign.pk).name == "廉洁口岸专项"


@pytest.mark.parametrize("name", ["port_officer", "gd_officer", "national_admin"])
def test_editors_see_the_edit_buttons(client, records, persona, name):
    plan, agreement, _campaign = records.records
    login(client, persona(name))
    for detail, edit in (
        ("plan-detail", "plan-edit"),
        ("agreement-detail", "agreement-edit"),
    ):
        pk = plan.pk if detail.startswith("plan") else agreement.pk
        page = client.get(reverse(f"campaigns:{detail}", args=[pk])).content.decode()
        assert reverse(f"campaigns:{edit}", args=[pk]) in page


def test_province_officer_sees_the_campaign_edit_button(client, records, gd_officer):
    campaign = records.records[2]
    login(client, gd_officer)
    page = client.get(reverse("campaigns:special-campaign-detail", args=[campaign.pk]))
    assert reverse("campaigns:special-campaign-edit", args=[campaign.pk]) in page.content.decode()


# --- plans ----------------------------------------------------------------------------------


def test_plan_title_is_edited_with_an_audit_entry(client, records, port_officer):
    plan = records.records[0]
    login(client, port_officer)
    response = client.post(
        reverse("campaigns:plan-edit", args=[plan.pk]), {"title": "  深圳2026年共建计划 "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:plan-detail", args=[plan.pk])
    plan.refresh_from_db()
    assert plan.title == "深圳2026年共建计划"
    entry = _last_audit("campaigns.plan.updated")
    assert entry.actor == port_officer
    assert entry.object_id == str(plan.pk)
    assert entry.changes == {"title": ["深圳2026年计划", "深圳2026年共建计划"]}


def test_published_plan_title_is_edited_by_its_officers(client, records, gd_officer):
    plan = records.records[0]
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    login(client, gd_officer)
    response = client.post(reverse("campaigns:plan-edit", args=[plan.pk]), {"title": "新名称"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.status) == ("新名称", Plan.Status.PUBLISHED)


def test_plan_without_a_title_is_refused(client, records, port_officer):
    plan = records.records[0]
    login(client, port_officer)
    before = AuditEntry.objects.count()
    response = client.post(reverse("campaigns:plan-edit", args=[plan.pk]), {"title": "  "})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    plan.refresh_from_db()
    assert plan.title == "深圳2026年计划"
    assert AuditEntry.objects.count() == before


# --- agreements -----------------------------------------------------------------------------


def test_agreement_is_edited_and_its_file_replaced(
    client, records, port_officer, django_capture_on_commit_callbacks
):
    agreement = records.records[1]
    old_file = agreement.file.name
    storage = agreement.file.storage
    unit1, unit2 = records.sz.units
    login(client, port_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("campaigns:agreement-edit", args=[agreement.pk]),
            _agreement_data(
                agreement,
                title="廉洁共建协议",
                kind=Agreement.Kind.INTEGRITY,
                parties=[unit1.pk, unit2.pk],
                valid_until="2027-03-01",
                terms="<p>双方共建</p><script>alert(1)</script><b>廉洁</b>",
                upload=SimpleUploadedFile("新协议.png", PNG),
            ),
        )
    assert response.status_code == 302, response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.title == "廉洁共建协议"
    assert agreement.kind == Agreement.Kind.INTEGRITY
    assert agreement.valid_until == datetime.date(2027, 3, 1)
    assert agreement.terms == "<p>双方共建</p><b>廉洁</b>"
    assert set(agreement.parties.all()) == {unit1, unit2}
    assert (agreement.file_name, agreement.file_type) == ("新协议.png", "image/png")
    assert agreement.file.name.endswith(".png") and "新协议" not in agreement.file.name
    assert storage.exists(agreement.file.name)
    assert not storage.exists(old_file)
    download = client.get(reverse("campaigns:agreement-file", args=[agreement.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    entry = _last_audit("campaigns.agreement.updated")
    assert entry.actor == port_officer
    changes = entry.changes
    assert changes["title"] == ["业务共建协议", "廉洁共建协议"]
    assert changes["kind"] == ["business", "integrity"]
    assert changes["valid_until"] == [None, "2027-03-01"]
    assert changes["terms"] == ["<p>双方共建</p>", "<p>双方共建</p><b>廉洁</b>"]
    assert changes["parties"][1] == sorted([unit1.pk, unit2.pk])
    assert len(changes["parties"][0]) == EXTRA + 2
    assert changes["file"] == ["原协议.pdf", "新协议.png"]
    assert "signed_on" not in changes


def test_agreement_without_a_new_file_keeps_its_file(client, records, port_officer):
    agreement = records.records[1]
    old_file = agreement.file.name
    login(client, port_officer)
    response = client.post(
        reverse("campaigns:agreement-edit", args=[agreement.pk]),
        _agreement_data(agreement, signed_on="2026-03-05"),
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.file.name == old_file
    assert agreement.signed_on == datetime.date(2026, 3, 5)
    assert _last_audit("campaigns.agreement.updated").changes == {
        "signed_on": ["2026-03-02", "2026-03-05"]
    }


def test_agreement_with_a_party_of_another_province_is_refused(
    client, records, port_officer, in_english
):
    agreement = records.records[1]
    login(client, port_officer)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("campaigns:agreement-edit", args=[agreement.pk]),
        _agreement_data(
            agreement, title="改名", parties=[records.sz.units[0].pk, records.nb.units[0].pk]
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["parties"]
    assert "Parties" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "业务共建协议"
    assert agreement.parties.count() == EXTRA + 2
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"parties": []}, "parties"),
        ({"terms": "<script>alert(1)</script>"}, "terms"),
        ({"valid_until": "2026-01-01"}, "valid_until"),
        ({"upload": SimpleUploadedFile("协议.pdf", b"<html>x</html>")}, "upload"),
        ({"title": ""}, "title"),
    ],
)
def test_agreement_refusals_name_the_field_and_save_nothing(
    client, records, port_officer, extra, field
):
    agreement = records.records[1]
    old_file = agreement.file.name
    login(client, port_officer)
    data = _agreement_data(agreement, kind=Agreement.Kind.INTEGRITY)
    if "parties" in extra:
        data["parties"] = [records.sz.units[0].pk]
        extra = {}
    data.update(extra)
    response = client.post(reverse("campaigns:agreement-edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.kind == Agreement.Kind.BUSINESS
    assert agreement.file.name == old_file
    assert agreement.parties.count() == EXTRA + 2
    assert not AuditEntry.objects.filter(action="campaigns.agreement.updated").exists()


def test_agreement_update_refuses_units_outside_its_authority(records, port_officer):
    agreement = records.records[1]
    gz_unit = records.gz.units[0]
    with pytest.raises(ValidationError) as refused:
        services.agreement_update(
            actor=port_officer,
            agreement=agreement,
            parties=[records.sz.units[0], gz_unit],
            title="改名",
        )
    assert list(refused.value.error_dict) == ["parties"]
    assert gz_unit.name in refused.value.messages[0]
    agreement.refresh_from_db()
    assert agreement.title == "业务共建协议"


def test_agreement_update_without_changes_writes_nothing(records, port_officer):
    agreement = records.records[1]
    services.agreement_update(
        actor=port_officer,
        agreement=agreement,
        parties=list(agreement.parties.all()),
        title=agreement.title,
        terms=agreement.terms,
    )
    assert not AuditEntry.objects.filter(action="campaigns.agreement.updated").exists()


# --- special campaigns ----------------------------------------------------------------------


def test_special_campaign_is_edited_with_an_audit_entry(client, records, gd_officer):
    campaign = records.records[2]
    sz_unit, gz_unit = records.sz.units[0], records.gz.units[1]
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:special-campaign-edit", args=[campaign.pk]),
        _campaign_data(
            campaign,
            name="廉洁口岸专项行动",
            theme_area=area("safety").pk,
            members=[sz_unit.pk, gz_unit.pk],
            ends_on="2026-06-30",
            goals="<p>廉洁</p><img src=x onerror=alert(1)>",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    campaign.refresh_from_db()
    assert campaign.name == "廉洁口岸专项行动"
    assert campaign.theme_area == area("safety")
    assert campaign.ends_on == datetime.date(2026, 6, 30)
    assert campaign.goals == "<p>廉洁</p>"
    assert set(campaign.members.all()) == {sz_unit, gz_unit}
    entry = _last_audit("campaigns.special_campaign.updated")
    assert entry.actor == gd_officer
    changes = entry.changes
    assert changes["name"] == ["廉洁口岸专项", "廉洁口岸专项行动"]
    assert changes["theme_area"] == [area("integrity").pk, area("safety").pk]
    assert changes["ends_on"] == ["2026-12-31", "2026-06-30"]
    assert changes["goals"] == ["<p>廉洁共建</p>", "<p>廉洁</p>"]
    assert changes["members"][1] == sorted([sz_unit.pk, gz_unit.pk])
    assert "starts_on" not in changes and "authority" not in changes


def test_special_campaign_with_a_member_of_another_province_is_refused(
    client, records, gd_officer, in_english
):
    campaign = records.records[2]
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:special-campaign-edit", args=[campaign.pk]),
        _campaign_data(campaign, name="改名", members=[records.nb.units[0].pk]),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["members"]
    assert "Member units" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "廉洁口岸专项"
    assert campaign.members.count() == EXTRA + 3
    assert not AuditEntry.objects.filter(action="campaigns.special_campaign.updated").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"members": []}, "members"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"goals": "<script>x</script>"}, "goals"),
        ({"name": ""}, "name"),
    ],
)
def test_special_campaign_refusals_name_the_field_and_save_nothing(
    client, records, gd_officer, extra, field
):
    campaign = records.records[2]
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:special-campaign-edit", args=[campaign.pk]),
        _campaign_data(campaign, theme_area=area("safety").pk, **extra),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    campaign.refresh_from_db()
    assert campaign.theme_area == area("integrity")
    assert campaign.members.count() == EXTRA + 3
    assert not AuditEntry.objects.filter(action="campaigns.special_campaign.updated").exists()


def test_special_campaign_update_refuses_units_outside_its_authority(records, port_officer):
    campaign = records.records[2]
    nb_unit = records.nb.units[0]
    with pytest.raises(ValidationError) as refused:
        services.special_campaign_update(
            actor=port_officer, campaign=campaign, members=[nb_unit], name="改名"
        )
    assert list(refused.value.error_dict) == ["members"]
    assert nb_unit.name in refused.value.messages[0]
    campaign.refresh_from_db()
    assert campaign.name == "廉洁口岸专项"


def test_a_deactivated_member_stays_choosable(client, records, gd_officer):
    campaign = records.records[2]
    gone = records.gz.units[0]
    Unit.objects.filter(pk=gone.pk).update(is_active=False)
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:special-campaign-edit", args=[campaign.pk]),
        _campaign_data(campaign, name="廉洁口岸专项（续）"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert campaign.members.filter(pk=gone.pk).exists()
