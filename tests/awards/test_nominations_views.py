"""The nomination screens: the list (the province's list at scale), nominating in two steps,
the detail page with the dossier and the chain of opinions, editing, evidence, submission and
withdrawal as confirmed POST forms, and the awards section of the navigation."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import VetoCondition
from awards.models import Nomination, NominationEvidence, Opinion, Round, VetoDeclaration
from awards.services import nominations as services
from awards.services.nominations import veto_field, veto_note_field
from campaigns import services as campaign_services
from campaigns.models import Port
from civport.models import AuditEntry
from tests.awards.fixtures import DEEDS
from tests.awards.honours_helpers import pdf_text
from tests.conftest import login
from tests.queries import BASE

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"awards:{name}", args=args)


def conditions(round):
    return list(VetoCondition.objects.filter(scheme=round.scheme))


def add_files(nomination, n, user):
    NominationEvidence.objects.bulk_create(
        NominationEvidence(
            nomination=nomination,
            file=f"nominations/x{i}.pdf",
            original_name=f"材料{i}.pdf",
            content_type="application/pdf",
            size=1000 + i,
            uploaded_by=user,
        )
        for i in range(n)
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def guangdong(world, award_round, make_nomination, national_admin):
    """Fifteen Guangdong nominations (every port, unit and person of Shenzhen and Guangzhou, and
    three organizers) with two files each, and three of Zhejiang."""
    made = []
    for area in (world.sz, world.gz):
        for nominee in (area.port, *area.units, *area.people):
            made.append(make_nomination(award_round, nominee))
    for authority in (world.gd, world.sz.authority, world.gz.authority):
        made.append(make_nomination(award_round, authority))
    for nominee in (world.nb.port, world.nb.units[0], world.nb.people[0]):
        make_nomination(award_round, nominee)
    for nomination in made:
        add_files(nomination, 2, national_admin)
    return made


@pytest.fixture
def draft(world, award_round, make_nomination):
    """A draft of Shenzhen's first unit with its deeds, nothing declared yet."""
    return make_nomination(award_round, world.sz.units[0], status=Nomination.Status.DRAFT)


def declare_all(nomination, actor, applies=False):
    services.veto_declarations_save(
        actor=actor,
        nomination=nomination,
        answers={c.pk: (applies, "说明" if applies else "") for c in conditions(nomination.round)},
    )


# --- the list ---------------------------------------------------------------------------------


def test_province_list_reads_a_fixed_number_of_queries(
    client, guangdong, gd_officer, award_round, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + the rounds of the filter + the count + the page of rows (round, authority and
    # province joined, the files counted in a subquery)
    with django_assert_num_queries(BASE + 3):
        response = client.get(url("nomination-list"), {"round": award_round.pk})
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert len(rows) == 15
    assert {row.province_id for row in rows} == {guangdong[0].province_id}
    assert {row.n_evidence for row in rows} == {2}
    assert not response.context["show_province"]
    assert "province" not in response.context["filter_form"].fields


def test_national_list_adds_the_provinces_in_one_query(
    client, guangdong, national_admin, django_assert_num_queries
):
    login(client, national_admin)
    # BASE + rounds + provinces of the filter + count + rows
    with django_assert_num_queries(BASE + 4):
        response = client.get(url("nomination-list"))
    assert response.context["page"].paginator.count == 18
    assert response.context["show_province"]


def test_list_filters_and_search(client, world, guangdong, national_admin):
    login(client, national_admin)

    def names(**params):
        response = client.get(url("nomination-list"), params)
        return {row.nominee_name for row in response.context["page"].object_list}

    assert names(province=world.zj.pk) == {
        world.nb.port.name,
        world.nb.units[0].name,
        world.nb.people[0].name,
    }
    assert names(title="civilized_port") == {a.port.name for a in (world.sz, world.gz, world.nb)}
    assert names(q="深圳市口岸办职员") == {p.name for p in world.sz.people}
    assert names(q=world.sz.units[0].name) == {  # the unit and its staff, by the unit's name
        world.sz.units[0].name,
        world.sz.people[0].name,
        world.sz.people[2].name,
    }
    Nomination.objects.filter(pk=guangdong[0].pk).update(status="withdrawn")
    assert names(status="withdrawn") == {guangdong[0].nominee_name}
    assert len(names(province="x")) == 18  # a bad value is ignored, not an error


def test_list_pages_keep_the_filters(client, guangdong, national_admin, settings):
    settings.PAGE_SIZE = 5
    login(client, national_admin)
    response = client.get(url("nomination-list"), {"title": "advanced_individual"})
    assert response.context["page"].paginator.num_pages == 2
    assert "title=advanced_individual&amp;page=2" in response.content.decode()


def test_each_sees_only_their_part_of_the_list(
    client, world, guangdong, zj_officer, port_officer, unit_contact, outsider
):
    def count(user):
        login(client, user)
        return client.get(url("nomination-list")).context["page"].paginator.count

    assert count(zj_officer) == 3
    # Shenzhen's six nominees; Shenzhen put up as an organizer is the province's nomination.
    assert count(port_officer) == 6
    assert count(unit_contact) == 3  # the unit and its two people
    assert count(outsider) == 0


# --- nominating -------------------------------------------------------------------------------


def test_nominating_starts_with_the_round_and_the_titles_one_may_nominate_for(
    client, award_round, port_officer, django_assert_num_queries
):
    login(client, port_officer)
    # BASE + the rounds taking nominations
    with django_assert_num_queries(BASE + 1):
        response = client.get(url("nomination-create"))
    form = response.context["form"]
    assert [v for v, _label in form.fields["title"].choices] == [
        "civilized_port",
        "advanced_unit",
        "advanced_individual",
    ]
    assert form.fields["round"].initial == award_round.pk


def test_the_nominee_step_lists_the_area_in_fixed_queries(
    client, world, award_round, port_officer, make_nomination, django_assert_num_queries
):
    unit = world.sz.units[0]
    for i in range(10):
        campaign_services.person_create(
            actor=None, code=f"GD-SZ-X{i}", name=f"新职员{i}", gender="male", unit=unit
        )
    make_nomination(award_round, world.sz.people[0])
    login(client, port_officer)
    params = {"round": award_round.pk, "title": "advanced_individual"}
    # BASE + rounds + the eligible people with their units + the ids nominated already
    with django_assert_num_queries(BASE + 3):
        response = client.get(url("nomination-create"), params)
    choices = dict(response.context["form"].fields["nominee"].widget.choices)
    assert len(choices) == 1 + 13  # the empty choice and Shenzhen's thirteen people
    assert "nominated already" not in choices[world.sz.people[1].pk]
    assert world.gz.people[0].pk not in choices


def test_nominating_a_unit_creates_a_draft_and_leads_to_the_dossier(
    client, world, award_round, port_officer
):
    unit = world.sz.units[1]
    login(client, port_officer)
    target = url("nomination-create") + f"?round={award_round.pk}&title=advanced_unit"
    response = client.post(target, {"nominee": unit.pk})
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("nomination-edit", nomination.pk)
    assert (nomination.unit, nomination.status) == (unit, "draft")


def test_a_second_nomination_from_the_screen_says_so(
    client, world, award_round, port_officer, make_nomination, in_english
):
    unit = world.sz.units[1]
    make_nomination(award_round, unit)
    login(client, port_officer)
    target = url("nomination-create") + f"?round={award_round.pk}&title=advanced_unit"
    response = client.get(target)
    assert (
        "nominated already"
        in dict(response.context["form"].fields["nominee"].widget.choices)[unit.pk]
    )
    response = client.post(target, {"nominee": unit.pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "nominee": [f"{unit.name} is nominated in this round already."]
    }
    assert Nomination.objects.count() == 1


def test_an_ineligible_nominee_from_the_screen_gets_its_reason(
    client, world, award_round, port_officer, in_english
):
    Port.objects.filter(pk=world.sz.port.pk).update(status=Port.Status.CLOSED)
    login(client, port_officer)
    target = url("nomination-create") + f"?round={award_round.pk}&title=civilized_port"
    assert world.sz.port.pk not in dict(
        client.get(target).context["form"].fields["nominee"].widget.choices
    )
    response = client.post(target, {"nominee": world.sz.port.pk})
    assert response.context["form"].errors == {
        "nominee": [f"{world.sz.port.name} is closed; only an open port can be nominated."]
    }
    response = client.post(target, {"nominee": world.nb.port.pk})
    assert (
        response.context["form"]
        .errors["nominee"][0]
        .startswith("Ports, units and people are nominated by the port officer of their own area")
    )
    assert not Nomination.objects.exists()


def test_nominating_after_the_deadline_is_refused_on_the_form(
    client, world, award_round, port_officer, in_english
):
    Round.objects.filter(pk=award_round.pk).update(
        nominations_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    login(client, port_officer)
    target = url("nomination-create") + f"?round={award_round.pk}&title=advanced_unit"
    response = client.post(target, {"nominee": world.sz.units[0].pk})
    assert response.context["form"].non_field_errors()[0].startswith("Nominations for ")
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("name", ["unit_contact", "outsider"])
def test_who_does_not_nominate_gets_403(client, persona, award_round, name):
    login(client, persona(name))
    assert client.get(url("nomination-create")).status_code == 403


def test_a_provincial_officer_picks_among_the_provinces_authorities(
    client, world, award_round, gd_officer
):
    login(client, gd_officer)
    response = client.get(
        url("nomination-create"), {"round": award_round.pk, "title": "advanced_organizer"}
    )
    choices = dict(response.context["form"].fields["nominee"].widget.choices)
    assert set(choices) == {"", world.gd.pk, world.sz.authority.pk, world.gz.authority.pk}


# --- the detail page --------------------------------------------------------------------------


def test_detail_reads_a_fixed_number_of_queries_and_shows_the_dossier(
    client, world, draft, port_officer, gd_officer, django_assert_num_queries
):
    add_files(draft, 12, port_officer)
    declare_all(draft, port_officer)
    services.nomination_submit(actor=port_officer, nomination=draft, opinion="深圳同意推荐")
    Opinion.objects.create(
        nomination=draft, level="province", authority=world.gd, author=gd_officer, text="省里同意"
    )
    login(client, gd_officer)
    # BASE + the nomination with its round and authorities + its files + the honours cited
    # with their rounds + the veto conditions + the declarations + the opinions with their
    # authors and authorities
    with django_assert_num_queries(BASE + 6):
        response = client.get(url("nomination-detail", draft.pk))
    html = response.content.decode()
    assert html.count("/awards/evidence/") == 12
    assert "深圳同意推荐" in html and "省里同意" in html
    assert html.index("深圳同意推荐") < html.index("省里同意")  # port before province
    assert port_officer.username in html
    assert html.count("badge text-bg-success") >= 3  # three conditions declared clear
    assert response.context["can_edit"] is False  # submitted
    assert response.context["can_withdraw"] is False  # the province does not withdraw


def test_detail_tells_the_nominator_what_is_missing_and_offers_the_actions(
    client, draft, port_officer, in_english
):
    login(client, port_officer)
    response = client.get(url("nomination-detail", draft.pk))
    context = response.context
    assert context["can_edit"] and context["can_submit"] and context["can_withdraw"]
    assert set(context["problems"]) == {veto_field(c.pk) for c in context["conditions"]}
    assert "Declare whether veto condition" in response.content.decode()


def test_the_unit_contact_may_edit_a_draft_but_not_submit_or_withdraw(client, draft, unit_contact):
    login(client, unit_contact)
    context = client.get(url("nomination-detail", draft.pk)).context
    assert context["can_edit"] and not context["can_submit"] and not context["can_withdraw"]
    assert client.get(url("nomination-submit", draft.pk)).status_code == 403
    assert client.post(url("nomination-withdraw", draft.pk), {"reason": "x"}).status_code == 403


def test_another_province_gets_404_everywhere(client, draft, zj_officer, media):
    login(client, zj_officer)
    for name in (
        "nomination-detail",
        "nomination-edit",
        "nomination-submit",
        "nomination-withdraw",
    ):
        assert client.get(url(name, draft.pk)).status_code == 404
    assert client.get(url("nomination-detail", draft.pk + 100)).status_code == 404


def test_the_approval_form_prints_the_dossier_and_the_chain_of_opinions(
    client, world, draft, port_officer, gd_officer, zj_officer, django_assert_num_queries
):
    declare_all(draft, port_officer)
    services.nomination_submit(actor=port_officer, nomination=draft, opinion="深圳同意推荐")
    Opinion.objects.create(
        nomination=draft, level="province", authority=world.gd, author=gd_officer, text="省里同意"
    )
    login(client, gd_officer)
    # BASE + the nomination (access) + with its round, authorities and province + the opinions
    # with their authors and authorities + the audit entry
    with django_assert_num_queries(BASE + 4):
        response = client.get(url("nomination-form", draft.pk))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content).replace("\n", "")
    assert "2025—2026年度全国共建文明口岸活动推荐审批表" in text
    assert draft.nominee_name in text and "全国共建文明口岸先进单位" in text
    for label in (
        "口岸所在地政府口岸管理机构意见",
        "省级口岸管理机构意见",
        "国家口岸管理办公室意见",
    ):
        assert label in text
    assert text.index("深圳同意推荐") < text.index("省里同意")
    assert "（盖章）" in text
    assert AuditEntry.objects.filter(action="awards.nomination.form_printed").count() == 1
    login(client, zj_officer)
    assert client.get(url("nomination-form", draft.pk)).status_code == 404


# --- editing and evidence ---------------------------------------------------------------------


def test_edit_page_reads_a_fixed_number_of_queries(
    client, draft, port_officer, django_assert_num_queries
):
    add_files(draft, 12, port_officer)
    declare_all(draft, port_officer)
    login(client, port_officer)
    # BASE + the nomination + veto conditions + declarations + the files
    with django_assert_num_queries(BASE + 4):
        response = client.get(url("nomination-edit", draft.pk))
    assert response.status_code == 200
    assert len(response.context["evidence"]) == 12


def test_editing_saves_deeds_and_declarations_together(client, draft, unit_contact):
    first, second, third = conditions(draft.round)
    login(client, unit_contact)
    response = client.post(
        url("nomination-edit", draft.pk),
        {
            "deeds": DEEDS + "<script>x</script>",
            "summary": "简短事迹",
            veto_field(first.pk): "clear",
            veto_field(second.pk): "applies",
            veto_note_field(second.pk): "曾发生安全事故，已整改",
            veto_field(third.pk): "",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.deeds == DEEDS and draft.summary == "简短事迹"
    declared = {d.condition_id: d.applies for d in VetoDeclaration.objects.all()}
    assert declared == {first.pk: False, second.pk: True}


def test_editing_errors_name_their_fields_and_nothing_is_saved(
    client, draft, port_officer, in_english
):
    condition = conditions(draft.round)[0]
    login(client, port_officer)
    response = client.post(
        url("nomination-edit", draft.pk),
        {"deeds": "新的事迹", "summary": "简", veto_field(condition.pk): "applies"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        veto_note_field(condition.pk): [
            f"Veto condition {condition.code} applies: explain what happened."
        ]
    }
    draft.refresh_from_db()
    assert draft.deeds == DEEDS


def test_a_submitted_nomination_is_not_edited(
    client, world, award_round, make_nomination, port_officer
):
    nomination = make_nomination(award_round, world.sz.units[1])
    login(client, port_officer)
    response = client.get(url("nomination-edit", nomination.pk))
    assert response.status_code == 302
    response = client.post(url("nomination-edit", nomination.pk), {"deeds": "改", "summary": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_evidence_upload_download_and_remove(client, draft, unit_contact, gd_officer, media):
    login(client, unit_contact)
    upload = SimpleUploadedFile("表彰证明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url("evidence-add", draft.pk), {"upload": upload, "description": "市级表彰"}
    )
    assert response["Location"] == url("nomination-edit", draft.pk)
    evidence = NominationEvidence.objects.get()
    login(client, gd_officer)
    response = client.get(url("evidence-download", evidence.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    login(client, unit_contact)
    client.post(url("evidence-remove", evidence.pk))
    assert not NominationEvidence.objects.exists()


def test_a_file_of_the_wrong_type_is_refused_with_its_name(
    client, draft, port_officer, media, in_english
):
    login(client, port_officer)
    upload = SimpleUploadedFile("page.pdf", b"<html><script>x</script></html>")
    response = client.post(url("evidence-add", draft.pk), {"upload": upload}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "“page.pdf” is not an accepted file type. Upload a PDF, a JPEG or PNG image, a Word, "
        "Excel or PowerPoint document (DOCX, XLSX, PPTX) or plain UTF-8 text."
    ]
    assert not NominationEvidence.objects.exists()
    assert not list(media.rglob("*.*"))


def test_a_file_too_large_is_refused(client, draft, port_officer, media, settings, in_english):
    settings.CIVPORT_UPLOAD_MAX_BYTES = 10
    login(client, port_officer)
    upload = SimpleUploadedFile("big.pdf", PDF)
    response = client.post(url("evidence-add", draft.pk), {"upload": upload}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("“big.pdf” is ") and "a file may be at most 10" in message
    assert not NominationEvidence.objects.exists()


def test_an_upload_without_a_file_names_the_field(client, draft, port_officer, in_english):
    login(client, port_officer)
    response = client.post(url("evidence-add", draft.pk), {"description": "x"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Evidence file: This field is required."
    ]


def test_evidence_of_another_province_is_404(client, draft, zj_officer, port_officer, media):
    upload = SimpleUploadedFile("a.pdf", PDF)
    evidence = services.evidence_add(actor=port_officer, nomination=draft, upload=upload)
    login(client, zj_officer)
    assert client.get(url("evidence-download", evidence.pk)).status_code == 404
    assert client.post(url("evidence-remove", evidence.pk)).status_code == 404
    assert client.post(url("evidence-add", draft.pk), {"upload": upload}).status_code == 404


# --- submission and withdrawal ------------------------------------------------------------------


def test_submit_page_confirms_then_submits_with_the_opinion(
    client, draft, port_officer, django_assert_num_queries
):
    declare_all(draft, port_officer)
    login(client, port_officer)
    # BASE + the nomination + veto conditions + declarations
    with django_assert_num_queries(BASE + 3):
        response = client.get(url("nomination-submit", draft.pk))
    assert response.context["problems"] == {} and not response.context["closed"]
    response = client.post(url("nomination-submit", draft.pk), {"opinion": "同意推荐"})
    assert response["Location"] == url("nomination-detail", draft.pk)
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert Opinion.objects.get(nomination=draft).text == "同意推荐"


def test_submit_without_an_opinion_or_declarations_is_refused_on_the_page(
    client, draft, port_officer, in_english
):
    login(client, port_officer)
    response = client.post(url("nomination-submit", draft.pk), {"opinion": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["opinion"]
    response = client.post(url("nomination-submit", draft.pk), {"opinion": "同意"})
    assert len(response.context["problems"]) == 3  # each veto condition undeclared
    draft.refresh_from_db()
    assert draft.is_draft


def test_submit_after_the_deadline_shows_the_date(client, draft, port_officer, in_english):
    declare_all(draft, port_officer)
    day = timezone.localdate() - datetime.timedelta(days=1)
    Round.objects.filter(pk=draft.round_id).update(nominations_due_on=day)
    login(client, port_officer)
    context = client.get(url("nomination-detail", draft.pk)).context
    assert context["closed"] and not context["can_submit"]
    response = client.post(url("nomination-submit", draft.pk), {"opinion": "同意"})
    assert response.status_code == 200
    assert f"Nominations for {draft.round.name} closed on {day.isoformat()}." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.is_draft and not Opinion.objects.exists()


def test_withdrawing_asks_for_a_reason(
    client, draft, port_officer, in_english, django_assert_num_queries
):
    login(client, port_officer)
    # BASE + the nomination
    with django_assert_num_queries(BASE + 1):
        assert client.get(url("nomination-withdraw", draft.pk)).status_code == 200
    response = client.post(url("nomination-withdraw", draft.pk), {"reason": ""})
    assert response.context["form"].errors["reason"]
    response = client.post(url("nomination-withdraw", draft.pk), {"reason": "单位主动撤回"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.withdrawn_reason) == ("withdrawn", "单位主动撤回")
    html = client.get(url("nomination-detail", draft.pk)).content.decode()
    assert "单位主动撤回" in html


def test_withdraw_and_submit_answer_get_and_post_only_to_the_nominator(client, draft, gd_officer):
    login(client, gd_officer)
    assert client.get(url("nomination-withdraw", draft.pk)).status_code == 403
    assert client.post(url("nomination-submit", draft.pk), {"opinion": "x"}).status_code == 403
    assert client.get(url("evidence-add", draft.pk)).status_code == 405


# --- navigation -------------------------------------------------------------------------------


def _awards_menu(client, user):
    login(client, user)
    response = client.get(url("nomination-list"))
    return response.context["awards_nav"]["menu"]


def test_navigation_offers_the_awards_section(client, port_officer, gd_officer, outsider):
    [section] = _awards_menu(client, port_officer)
    assert [e["url"] for e in section["entries"]] == [
        url("nomination-list"),
        url("province-round-list"),
    ]
    assert section["active"]
    [section] = _awards_menu(client, gd_officer)
    assert [e["url"] for e in section["entries"]] == [
        url("nomination-list"),
        url("province-round-list"),
        url("recommendation-list"),
    ]
    assert _awards_menu(client, outsider) == []


def test_a_unit_contact_gets_the_nominations(client, unit_contact):
    [section] = _awards_menu(client, unit_contact)
    assert [e["url"] for e in section["entries"]] == [url("nomination-list")]
