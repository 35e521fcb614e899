"""Leading group pages: an authority's managers edit its group and record meetings and
resolutions; the levels above read them; everyone else gets a 404. Exact query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import LeadingGroupMeeting, LeadingGroupResolution, ResolutionAttachment
from campaigns.services import groups as services
from tests.campaigns.test_groups_services import agency, meeting, save_group
from tests.campaigns.test_notices_services import pdf
from tests.conftest import login
from tests.queries import BASE, EXTRA


@pytest.fixture
def gd_group(world, gd_officer):
    return save_group(gd_officer, world.gd)


@pytest.fixture
def busy_group(world, gd_officer, gd_group):
    """Guangdong's group with a dozen more deputies and members, and a dozen meetings each with
    two resolutions with a file each."""
    codes = ["PORT_OFFICE", "CUSTOMS", "IMMIGRATION", "MARITIME", "RAILWAY", "CIVIL_AVIATION"]
    save_group(
        gd_officer,
        world.gd,
        officers=[{"role": "leader", "name": "黄志远"}]
        + [{"role": "deputy", "name": f"副组长{n}", "post": "主任"} for n in range(EXTRA)],
        members=[{"agency": agency(code), "representative": f"代表{code}"} for code in codes],
    )
    for n in range(EXTRA):
        made = meeting(
            gd_officer,
            gd_group,
            title=f"第{n + 1}次会议",
            held_on=timezone.localdate() - datetime.timedelta(days=n + 1),
            agencies_present=[agency(code) for code in codes],
        )
        for text in ("同意工作安排。", "同意推荐名单。"):
            services.resolution_add(actor=gd_officer, meeting=made, text=text)
    return gd_group


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _group_url(authority):
    return reverse("campaigns:leading-group", args=[authority.pk])


# --- who sees and edits what --------------------------------------------------------------------


def test_the_province_reads_and_may_edit_its_own_group(client, world, gd_officer, gd_group):
    login(client, gd_officer)
    response = client.get(_group_url(world.gd))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert [o.name for o in response.context["officers"]] == ["黄志远", "梁建华"]
    assert (
        client.get(reverse("campaigns:leading-group-edit", args=[world.gd.pk])).status_code == 200
    )


def test_the_national_office_reads_a_provinces_group_but_does_not_edit_it(
    client, world, national_admin, gd_group
):
    login(client, national_admin)
    response = client.get(_group_url(world.gd))
    assert response.status_code == 200 and response.context["can_edit"] is False
    assert b'data-testid="edit-group"' not in response.content
    edit = reverse("campaigns:leading-group-edit", args=[world.gd.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "改名"}).status_code == 403


@pytest.mark.parametrize("persona", ["zj_officer", "port_officer", "unit_contact", "outsider"])
def test_out_of_scope_gets_404_everywhere(client, world, request, persona, gd_group, media):
    made = meeting(request.getfixturevalue("gd_officer"), gd_group)
    resolution = services.resolution_add(actor=None, meeting=made, text="同意。")
    attachment = services.resolution_attachment_add(
        actor=request.getfixturevalue("gd_officer"), resolution=resolution, upload=pdf()
    )
    login(client, request.getfixturevalue(persona))
    for url in (
        _group_url(world.gd),
        reverse("campaigns:leading-group-edit", args=[world.gd.pk]),
        reverse("campaigns:meeting-list", args=[world.gd.pk]),
        reverse("campaigns:meeting-create", args=[world.gd.pk]),
        reverse("campaigns:meeting-detail", args=[made.pk]),
        reverse("campaigns:meeting-edit", args=[made.pk]),
        reverse("campaigns:resolution-attachment", args=[attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("campaigns:resolution-add", args=[made.pk]), {"text": "x"}).status_code
        == 404
    )
    assert LeadingGroupResolution.objects.count() == 1


def test_the_port_officer_edits_the_port_authoritys_group(client, world, port_officer):
    login(client, port_officer)
    url = reverse("campaigns:leading-group-edit", args=[world.sz.authority.pk])
    data = {
        "name": "深圳市共建文明口岸活动领导小组",
        "office_head": "蔡明辉",
        "officers-TOTAL_FORMS": "2",
        "officers-INITIAL_FORMS": "0",
        "officers-MIN_NUM_FORMS": "0",
        "officers-MAX_NUM_FORMS": "30",
        "officers-0-role": "leader",
        "officers-0-name": "刘卫东",
        "officers-0-post": "副秘书长",
        "officers-1-role": "deputy",
        "officers-1-name": "",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "60",
        "members-0-agency": str(agency("CUSTOMS").pk),
        "members-0-role": "member",
        "members-0-representative": "王芳",
        "members-1-agency": "",
        "members-1-role": "member",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == _group_url(world.sz.authority)
    group = world.sz.authority.leading_group
    assert group.office_head == "蔡明辉"
    assert list(group.officers.values_list("name", flat=True)) == ["刘卫东"]
    assert list(group.members.values_list("representative", flat=True)) == ["王芳"]
    # Two leaders: the form comes back with the service's reason.
    data |= {"officers-1-name": "乙", "officers-1-role": "leader"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_a_meeting_and_its_resolution_and_file_through_the_pages(
    client, world, gd_officer, gd_group, media
):
    login(client, gd_officer)
    held_on = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("campaigns:meeting-create", args=[world.gd.pk]),
        {
            "title": "2026年第一次会议",
            "held_on": held_on.isoformat(),
            "place": "广州",
            "agencies_present": [agency("CUSTOMS").pk],
            "attendees": "黄志远（副秘书长）",
            "agenda": "研究推荐申报工作",
            "minutes": "会议同意推荐申报工作安排。",
        },
    )
    made = LeadingGroupMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "campaigns:meeting-detail", args=[made.pk]
    )
    response = client.post(
        reverse("campaigns:resolution-add", args=[made.pk]), {"text": "同意推荐申报工作安排。"}
    )
    assert response.status_code == 302
    resolution = LeadingGroupResolution.objects.get()
    response = client.post(
        reverse("campaigns:resolution-attachment-add", args=[resolution.pk]),
        {"file": pdf("会议纪要.pdf")},
    )
    assert response.status_code == 302
    attachment = ResolutionAttachment.objects.get()
    download = client.get(reverse("campaigns:resolution-attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    page = client.get(reverse("campaigns:meeting-detail", args=[made.pk]))
    assert [r.number for r in page.context["resolutions"]] == [1]
    assert b"resolution-form" in page.content


def test_the_national_office_reads_a_meeting_without_forms(
    client, world, gd_officer, national_admin, gd_group
):
    made = meeting(gd_officer, gd_group)
    login(client, national_admin)
    response = client.get(reverse("campaigns:meeting-detail", args=[made.pk]))
    assert response.status_code == 200
    assert response.context["resolution_form"] is None
    assert (
        client.post(reverse("campaigns:resolution-add", args=[made.pk]), {"text": "x"}).status_code
        == 403
    )
    assert client.get(reverse("campaigns:meeting-edit", args=[made.pk])).status_code == 403


def test_the_authority_page_links_its_group(client, world, gd_officer, gd_group):
    login(client, gd_officer)
    response = client.get(reverse("campaigns:authority-detail", args=[world.gd.pk]))
    assert _group_url(world.gd).encode() in response.content


# --- query counts -------------------------------------------------------------------------------


def test_group_page_query_count(client, world, gd_officer, busy_group, django_assert_num_queries):
    login(client, gd_officer)
    # BASE + authority + group + officers (agency joined) + members (agency joined)
    # + recent meetings (counted per meeting in the same query) + office staff
    with django_assert_num_queries(BASE + 6):
        response = client.get(_group_url(world.gd))
    assert len(response.context["officers"]) == EXTRA + 1
    assert len(response.context["meetings"]) == 5


def test_meeting_list_query_count(client, world, gd_officer, busy_group, django_assert_num_queries):
    login(client, gd_officer)
    # BASE + authority + count + page rows (group and authority joined, resolutions counted)
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:meeting-list", args=[world.gd.pk]))
    assert response.context["page"].paginator.count == EXTRA


def test_meeting_detail_query_count(
    client, world, gd_officer, busy_group, media, django_assert_num_queries
):
    made = busy_group.meetings.order_by("-held_on").first()
    for resolution in made.resolutions.all():
        services.resolution_attachment_add(actor=gd_officer, resolution=resolution, upload=pdf())
    login(client, gd_officer)
    # BASE + meeting (group and authority joined) + what the group may approve (the
    # province's rounds, for the resolution form) + agencies present + resolutions + their files
    with django_assert_num_queries(BASE + 5):
        response = client.get(reverse("campaigns:meeting-detail", args=[made.pk]))
    assert len(response.context["agencies_present"]) == 6
    assert [len(r.attachments.all()) for r in response.context["resolutions"]] == [1, 1]
