"""Honours and the commendation decision in the admin: the changelist with each round's
progress, filters and search, rendering again, revocation with a reason, a round's documents
page, the zip of its certificates and the downloads."""

import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from awards.models import DecisionDocument, Honour, Nomination, RenderStatus
from awards.services.honours import certificate_render
from civport.models import AuditEntry
from tests.awards.honours_helpers import grant, make_candidates
from tests.conftest import login

CHANGELIST = "admin:awards_honour_changelist"


@pytest.fixture
def candidates(award_round, world, make_nomination):
    """The nine candidates of every title, and three more units and people: twelve honours."""
    made = make_candidates(award_round, world, make_nomination)
    for nominee in (world.sz.units[1], world.gz.people[0], world.nb.people[0]):
        made.append(make_nomination(award_round, nominee, status=Nomination.Status.CANDIDATE))
    return made


@pytest.fixture
def granted(award_round, candidates, national_admin, settings, tmp_path):
    """Twelve honours, pending; their files go to a media directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    grant(award_round, national_admin, None)
    return award_round


@pytest.fixture
def office(client, national_admin):
    return login(client, national_admin)


def _rendered(*numbers):
    for number in numbers:
        assert certificate_render(honour_id=Honour.objects.get(number=number).pk)


def test_changelist_shows_each_rounds_progress_in_a_fixed_number_of_queries(
    office, granted, django_assert_num_queries
):
    _rendered("2025-2026-A0001", "2025-2026-A0002")
    Honour.objects.filter(number="2025-2026-B0001").update(render_status=RenderStatus.FAILED)
    # 1 session + 1 user + 1 scope (national check) + 1 the province filter's choices + 1 the
    # round filter's choices + 2 the paginator's counts (filtered and total) + 1 the rows with
    # round and province + 1 the progress counts + 1 the decided rounds + 2 the user's model
    # permissions (user and group, for the admin's menu) = 12, for 12 honours as for 1.
    with django_assert_num_queries(12):
        response = office.get(reverse(CHANGELIST))
    assert response.status_code == 200
    (row,) = response.context["round_progress"]
    assert (row["total"], row["done"], row["pending"], row["failed"]) == (12, 2, 9, 1)
    html = response.content.decode()
    assert reverse("admin:awards_round_certificates_zip", kwargs={"round_pk": granted.pk}) in html
    assert "2025-2026-D0002" in html


def test_changelist_filters_and_search(office, granted, world, national_admin):
    Honour.objects.filter(number="2025-2026-B0001").update(render_status=RenderStatus.FAILED)
    url = reverse(CHANGELIST)

    response = office.get(url, {"render_status__exact": "failed"})
    assert [h.number for h in response.context["cl"].result_list] == ["2025-2026-B0001"]

    response = office.get(url, {"province": world.zj.pk, "title__exact": "advanced_individual"})
    assert {h.recipient for h in response.context["cl"].result_list} == {
        world.nb.people[1].name,
        world.nb.people[0].name,
    }

    response = office.get(url, {"q": world.sz.people[0].name})
    assert [h.number for h in response.context["cl"].result_list] == ["2025-2026-C0001"]

    honour = Honour.objects.get(number="2025-2026-A0002")
    Honour.objects.filter(pk=honour.pk).update(revoked_at=honour.created_at)
    response = office.get(url, {"revoked": "yes"})
    assert [h.number for h in response.context["cl"].result_list] == ["2025-2026-A0002"]
    response = office.get(url, {"revoked": "no"})
    assert len(response.context["cl"].result_list) == 11


def test_only_the_national_office_opens_the_honours(client, granted, gd_officer, national_admin):
    gd_officer.is_staff = True
    gd_officer.save(update_fields=["is_staff"])
    login(client, gd_officer)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    url = reverse("admin:awards_round_documents", kwargs={"round_pk": granted.pk})
    assert client.get(url).status_code == 403
    login(client, national_admin)
    assert client.get(url).status_code == 200


def test_render_again_action(office, granted, national_admin, django_capture_on_commit_callbacks):
    _rendered("2025-2026-A0001")
    Honour.objects.filter(number="2025-2026-A0002").update(
        render_status=RenderStatus.FAILED, render_attempts=4, render_error="OSError: disk full"
    )
    Honour.objects.filter(number="2025-2026-B0001").update(render_status=RenderStatus.RENDERING)
    chosen = Honour.objects.filter(
        number__in=["2025-2026-A0001", "2025-2026-A0002", "2025-2026-B0001"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            reverse(CHANGELIST),
            {"action": "render_again", ACTION_CHECKBOX_NAME: [h.pk for h in chosen]},
            follow=True,
        )

    assert response.status_code == 200
    states = dict(chosen.values_list("number", "render_status"))
    assert states == {
        "2025-2026-A0001": "done",
        "2025-2026-A0002": "done",
        "2025-2026-B0001": "rendering",  # a render in progress is left alone
    }
    assert Honour.objects.get(number="2025-2026-A0002").render_attempts == 1
    assert AuditEntry.objects.filter(action="awards.honour.render_requested").count() == 2
    assert len(list(response.context["messages"])) == 2


def test_revoke_asks_for_the_reason_first(office, granted, world, in_english):
    chosen = list(Honour.objects.filter(number__in=["2025-2026-B0001", "2025-2026-B0002"]))
    data = {"action": "revoke", ACTION_CHECKBOX_NAME: [h.pk for h in chosen]}

    response = office.post(reverse(CHANGELIST), data)
    assert response.status_code == 200
    assert "Reason for revocation" in response.content.decode()
    assert not Honour.objects.filter(revoked_at__isnull=False).exists()

    response = office.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert not Honour.objects.filter(revoked_at__isnull=False).exists()

    response = office.post(
        reverse(CHANGELIST), {**data, "apply": "1", "reason": "事迹材料不实"}, follow=True
    )
    assert response.status_code == 200
    revoked = Honour.objects.filter(revoked_at__isnull=False)
    assert sorted(revoked.values_list("number", flat=True)) == [h.number for h in chosen]
    assert set(revoked.values_list("revoked_reason", flat=True)) == {"事迹材料不实"}
    verify = office.get(reverse("awards:verify", args=[chosen[0].code]))
    assert "事迹材料不实" in verify.content.decode()


def test_round_documents_page(office, granted, django_assert_num_queries, in_english):
    _rendered("2025-2026-A0001")
    Honour.objects.filter(number="2025-2026-B0001").update(
        render_status=RenderStatus.FAILED, render_attempts=4, render_error="OSError: disk full"
    )
    url = reverse("admin:awards_round_documents", kwargs={"round_pk": granted.pk})
    # 1 session + 1 user + 1 scope + 1 the round + 2 the progress (certificates by status, the
    # decision's status) + 1 the decision + 1 the failed certificates + 2 the user's model
    # permissions (the admin's menu) = 10
    with django_assert_num_queries(10):
        response = office.get(url)
    assert response.status_code == 200
    counts = {status: n for _label, n, status in response.context["counts"]}
    assert counts == {"pending": 10, "rendering": 0, "done": 1, "failed": 1}
    html = response.content.decode()
    assert "OSError: disk full" in html
    assert "1 certificate could not be rendered" in html
    # Documents still wait: the progress refreshes itself.
    assert 'max="12" value="1"' in html and 'hx-trigger="every 2s"' in html
    assert "1 of 12 certificates rendered" in html


def test_round_documents_page_stops_refreshing_once_all_are_rendered(office, granted):
    Honour.objects.filter(round=granted).update(render_status=RenderStatus.DONE)
    DecisionDocument.objects.filter(round=granted).update(render_status=RenderStatus.DONE)
    response = office.get(reverse("admin:awards_round_documents", kwargs={"round_pk": granted.pk}))
    html = response.content.decode()
    assert response.context["in_progress"] is False
    assert "hx-trigger" not in html and 'max="12" value="12"' in html


def test_render_the_failed_documents_again(office, granted, django_capture_on_commit_callbacks):
    Honour.objects.filter(number="2025-2026-B0001").update(render_status=RenderStatus.FAILED)
    DecisionDocument.objects.update(render_status=RenderStatus.FAILED)
    url = reverse("admin:awards_round_render_failed", kwargs={"round_pk": granted.pk})
    assert office.get(url).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(url)

    assert response.status_code == 302
    assert Honour.objects.get(number="2025-2026-B0001").render_status == RenderStatus.DONE
    assert DecisionDocument.objects.get().render_status == RenderStatus.DONE
    assert Honour.objects.filter(render_status=RenderStatus.PENDING).count() == 11


def test_zip_of_the_rounds_certificates(office, granted, world):
    _rendered("2025-2026-A0001", "2025-2026-C0001", "2025-2026-D0002")
    url = reverse("admin:awards_round_certificates_zip", kwargs={"round_pk": granted.pk})

    response = office.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="certificates-2025-2026.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == [
        f"2025-2026-A0001_{world.sz.port.name}.pdf",
        f"2025-2026-C0001_{world.sz.people[0].name}.pdf",
        f"2025-2026-D0002_{world.zj.name}.pdf",
    ]
    for name in names:
        honour = Honour.objects.get(number=name.split("_")[0])
        with honour.pdf.open("rb") as stored:
            assert archive.read(name) == stored.read()


def test_no_zip_before_any_certificate_is_rendered(office, granted):
    url = reverse("admin:awards_round_certificates_zip", kwargs={"round_pk": granted.pk})
    assert office.get(url).status_code == 404


def test_downloads_of_a_certificate_and_the_decision(office, granted):
    _rendered("2025-2026-A0001")
    honour = Honour.objects.get(number="2025-2026-A0001")
    response = office.get(reverse("admin:awards_honour_download", args=[honour.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    decision = DecisionDocument.objects.get()
    url = reverse("admin:awards_decisiondocument_download", args=[decision.pk])
    assert office.get(url).status_code == 404  # not rendered yet
    from awards.services.honours import decision_render

    assert decision_render(decision_id=decision.pk)
    response = office.get(url)
    assert response.status_code == 200
    assert 'filename="decision-2025-2026.pdf"' in response["Content-Disposition"]


def test_decision_changelist_and_change_page(office, granted, django_assert_num_queries):
    # 1 session + 1 user + 1 scope + 2 the paginator's counts + 2 the user's model permissions
    # (the admin's menu) + 1 the rows with their round = 8
    with django_assert_num_queries(8):
        response = office.get(reverse("admin:awards_decisiondocument_changelist"))
    assert response.status_code == 200
    decision = DecisionDocument.objects.get()
    response = office.get(reverse("admin:awards_decisiondocument_change", args=[decision.pk]))
    assert response.status_code == 200
    response = office.get(reverse("admin:awards_honour_change", args=[Honour.objects.first().pk]))
    assert response.status_code == 200
    assert "/verify/" in response.content.decode()
