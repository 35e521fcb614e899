"""Filing screens: the matrix, the detail with its versions, comparison, access and queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services as hierarchy
from campaigns.models import Authority, Filing, FilingVersion
from campaigns.services import filings as services
from tests.campaigns.test_filings_services import draft, pdf
from tests.conftest import login

BASE = 3  # session + user + the user's scope (one UNION, cached for the request)
EXTRA = 12


@pytest.fixture
def provinces(world, gd_officer):
    """Twelve more provinces, each with its three documents in various states (the assessment
    standard filed by a publication in every other one)."""
    made = []
    for i in range(EXTRA):
        province = hierarchy.authority_create(
            actor=None,
            code=f"P{i:02d}",
            name=f"测试省{i}口岸办",
            level=Authority.Level.PROVINCIAL,
            parent=world.national,
        )
        for kind in Filing.Kind.values:
            if kind in Filing.FROM_PUBLICATION:
                if i % 2:
                    services.filing_publication_record(
                        actor=gd_officer,
                        authority=province,
                        kind=kind,
                        title=f"文件{i}",
                        text="正文",
                    )
                continue
            filing = services.filing_create(
                actor=gd_officer, authority=province, kind=kind, title=f"文件{i}", text="正文"
            )
            if i % 2:
                services.filing_submit(actor=gd_officer, filing=filing)
        made.append(province)
    return made


def test_matrix_query_count(client, national_admin, provinces, django_assert_num_queries):
    login(client, national_admin)
    # BASE + provinces + filings
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("campaigns:filing-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") == 1 + 2 + EXTRA  # head, GD and ZJ, the twelve
    assert "测试省11口岸办" in html


def test_matrix_status_filter(client, national_admin, provinces):
    login(client, national_admin)
    html = client.get(reverse("campaigns:filing-list"), {"status": "submitted"}).content.decode()
    assert "测试省1口岸办" in html
    assert "测试省2口岸办" not in html


def test_provincial_officer_sees_only_own_province_with_start_links(client, world, gd_officer):
    login(client, gd_officer)
    html = client.get(reverse("campaigns:filing-list")).content.decode()
    assert world.gd.name in html
    assert world.zj.name not in html
    assert reverse("campaigns:filing-create", args=[world.gd.pk, "evaluation_method"]) in html


def test_port_officer_and_unit_contact_have_no_filings(client, port_officer, unit_contact):
    for user in (port_officer, unit_contact):
        login(client, user)
        assert client.get(reverse("campaigns:filing-list")).status_code == 404


@pytest.fixture
def history(world, gd_officer, national_admin):
    """A GD filing returned eleven times and resubmitted: twelve versions with files."""
    filing = draft(world, gd_officer)
    for i in range(EXTRA):
        services.filing_update(
            actor=gd_officer, filing=filing, title="广东省实施意见", text=f"第一条\n第{i}稿"
        )
        services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf(f"v{i}.pdf"))
        filing = services.filing_submit(actor=gd_officer, filing=filing)
        if i < EXTRA - 1:
            filing = services.filing_return(
                actor=national_admin, filing=filing, comments=f"意见{i}"
            )
    return filing


def test_detail_query_count_for_the_national_office(
    client, national_admin, history, django_assert_num_queries
):
    login(client, national_admin)
    # BASE + filing (with authority) + versions (with submitter and answerer) + their files
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:filing-detail", args=[history.pk]))
    html = response.content.decode()
    assert html.count("v11.pdf") == 1
    assert f'action="{reverse("campaigns:filing-answer", args=[history.pk])}"' in html


def test_detail_query_count_for_the_province(
    client, gd_officer, national_admin, history, django_assert_num_queries
):
    services.filing_return(actor=national_admin, filing=history, comments="再改")
    login(client, gd_officer)
    # BASE + filing + versions + their files + the working files
    with django_assert_num_queries(BASE + 4):
        response = client.get(reverse("campaigns:filing-detail", args=[history.pk]))
    html = response.content.decode()
    assert "再改" in html
    assert reverse("campaigns:filing-submit", args=[history.pk]) in html


def test_version_and_compare_query_counts(client, gd_officer, history, django_assert_num_queries):
    login(client, gd_officer)
    # BASE + filing + versions + their files
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:filing-version", args=[history.pk, 3]))
    assert "第2稿" in response.content.decode()
    with django_assert_num_queries(BASE + 3):
        response = client.get(
            reverse("campaigns:filing-compare", args=[history.pk]), {"old": 1, "new": 12}
        )
    html = response.content.decode()
    assert "<del>第0稿</del>" in html
    assert "<ins>第11稿</ins>" in html


def test_compare_escapes_the_text(client, world, gd_officer, national_admin):
    filing = draft(world, gd_officer, text="a < b")
    services.filing_submit(actor=gd_officer, filing=filing)
    services.filing_return(actor=national_admin, filing=filing, comments="x")
    FilingVersion.objects.filter(filing=filing).update(text="<img src=x onerror=alert(1)>")
    services.filing_update(actor=gd_officer, filing=filing, title="t", text="a > b")
    services.filing_submit(actor=gd_officer, filing=filing)
    login(client, gd_officer)
    html = client.get(reverse("campaigns:filing-compare", args=[filing.pk])).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_other_province_gets_404_everywhere(client, world, gd_officer, zj_officer, history):
    attachment = history.attachments.first()
    login(client, zj_officer)
    for url in (
        reverse("campaigns:filing-detail", args=[history.pk]),
        reverse("campaigns:filing-edit", args=[history.pk]),
        reverse("campaigns:filing-version", args=[history.pk, 1]),
        reverse("campaigns:filing-compare", args=[history.pk]),
        reverse("campaigns:filing-attachment", args=[attachment.pk]),
        reverse("campaigns:filing-create", args=[world.gd.pk, "evaluation_method"]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("campaigns:filing-submit", args=[history.pk]),
        reverse("campaigns:filing-answer", args=[history.pk]),
        reverse("campaigns:filing-attachment-add", args=[history.pk]),
        reverse("campaigns:filing-attachment-remove", args=[attachment.pk]),
    ):
        assert client.post(url).status_code == 404, url


def test_port_officer_and_unit_contact_get_404_on_a_filing(
    client, history, port_officer, unit_contact
):
    for user in (port_officer, unit_contact):
        login(client, user)
        assert client.get(reverse("campaigns:filing-detail", args=[history.pk])).status_code == 404


def test_the_province_cannot_answer_and_the_office_cannot_file(
    client, gd_officer, national_admin, history
):
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:filing-answer", args=[history.pk]), {"decision": "acknowledge"}
    )
    assert response.status_code == 403
    login(client, national_admin)
    assert client.post(reverse("campaigns:filing-submit", args=[history.pk])).status_code == 403
    history.refresh_from_db()
    assert history.status == Filing.Status.RESUBMITTED


def test_the_whole_flow_in_the_browser_forms(client, world, gd_officer, national_admin):
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:filing-create", args=[world.gd.pk, "evaluation_method"]),
        {"title": "广东省评比办法", "text": "一、总则"},
    )
    filing = Filing.objects.get()
    assert response["Location"] == reverse("campaigns:filing-detail", args=[filing.pk])
    response = client.post(
        reverse("campaigns:filing-attachment-add", args=[filing.pk]), {"file": pdf()}
    )
    assert response.status_code == 302
    client.post(reverse("campaigns:filing-submit", args=[filing.pk]))
    login(client, national_admin)
    response = client.post(
        reverse("campaigns:filing-answer", args=[filing.pk]), {"decision": "return", "comments": ""}
    )
    assert response.status_code == 400
    assert 'id="id_comments-errors"' in response.content.decode()
    client.post(
        reverse("campaigns:filing-answer", args=[filing.pk]),
        {"decision": "return", "comments": "请细化"},
    )
    filing.refresh_from_db()
    assert filing.status == Filing.Status.RETURNED
    login(client, gd_officer)
    client.post(
        reverse("campaigns:filing-edit", args=[filing.pk]),
        {"title": "广东省评比办法", "text": "一、总则\n二、细则"},
    )
    client.post(reverse("campaigns:filing-submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert (filing.status, filing.version_count) == (Filing.Status.RESUBMITTED, 2)
    response = client.get(
        reverse("campaigns:filing-attachment", args=[filing.attachments.get().pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_bad_file_gets_a_message_naming_the_field(client, world, gd_officer):
    filing = draft(world, gd_officer)
    login(client, gd_officer)
    bad = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00\x03binary")
    response = client.post(
        reverse("campaigns:filing-attachment-add", args=[filing.pk]), {"file": bad}
    )
    assert response.status_code == 400
    assert "evil.pdf" in response.content.decode()
    assert not filing.attachments.exists()


def test_script_in_the_text_is_refused_on_the_form(client, world, gd_officer):
    filing = draft(world, gd_officer)
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:filing-edit", args=[filing.pk]),
        {"title": "t", "text": "<script>alert(1)</script>"},
    )
    assert response.status_code == 200
    assert 'id="id_text-errors"' in response.content.decode()
    filing.refresh_from_db()
    assert filing.text == "第一条\n第二条"


def test_draft_files_are_the_provinces_own_until_submitted(
    client, world, gd_officer, national_admin
):
    filing = draft(world, gd_officer)
    attachment = services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf())
    url = reverse("campaigns:filing-attachment", args=[attachment.pk])
    login(client, national_admin)
    assert client.get(url).status_code == 404
    login(client, gd_officer)
    assert client.get(url).status_code == 200
    services.filing_submit(actor=gd_officer, filing=filing)
    login(client, national_admin)
    assert client.get(url).status_code == 200
