"""Certificates and the commendation decision as PDF: their text in an embedded CJK font, the QR
code to the verification page, deterministic file names, claim-first rendering and failures."""

import logging
import re
import zlib

import pytest
from celery.exceptions import Retry
from django.core.files.storage import default_storage

from awards import documents
from awards.models import DecisionDocument, Honour, RenderStatus
from awards.services.honours import (
    MAX_RENDER_ATTEMPTS,
    certificate_render,
    certificates_render_again,
    decision_render,
    decision_render_again,
)
from awards.tasks import GAVE_UP, certificate_render_task
from civport.models import AuditEntry
from tests.awards.honours_helpers import (
    DECISION_NUMBER,
    grant,
    make_candidates,
    pdf_fonts,
    pdf_text,
)


@pytest.fixture
def candidates(award_round, world, make_nomination):
    return make_candidates(award_round, world, make_nomination)


@pytest.fixture
def media(settings, tmp_path):
    """A media directory of the test's own, so the files it finds are the test's."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def granted(award_round, candidates, national_admin, media, django_capture_on_commit_callbacks):
    """The round decided and granted, its documents rendered (tasks run in-process)."""
    grant(award_round, national_admin, django_capture_on_commit_callbacks)
    return award_round


def _read(field_file):
    with field_file.open("rb") as handle:
        return handle.read()


def test_certificate_names_the_recipient_and_title_in_an_embedded_cjk_font(granted, world):
    honour = Honour.objects.get(number="2025-2026-C0001")
    assert honour.render_status == RenderStatus.DONE
    assert honour.rendered_at is not None
    assert honour.render_attempts == 1
    assert honour.pdf.name == "certificates/2025-2026/2025-2026-C0001.pdf"

    pdf = _read(honour.pdf)
    assert pdf.startswith(b"%PDF-1.4")
    text = pdf_text(pdf)
    assert "荣誉证书" in text
    assert world.sz.people[0].name in text
    assert world.sz.people[0].unit.name in text
    assert "2025—2026年度" in text
    assert "全国共建文明口岸先进个人" in text
    assert "特发此证，以资鼓励。" in text
    assert "国家口岸管理办公室" in text
    assert "2026年3月2日" in text
    assert "2025-2026-C0001" in text
    # Every font is embedded, and the Chinese text is set in a subset of Noto CJK SC.
    fonts = pdf_fonts(pdf)
    assert fonts
    assert all(embedded for _name, embedded in fonts.values())
    bases = {base for base, _embedded in fonts.values()}
    assert any(re.fullmatch(r"[A-Z]{6}\+Noto-Serif-CJK-SC", base) for base in bases)


def test_a_port_certificate_has_no_comrade_and_no_unit(granted, world):
    text = pdf_text(_read(Honour.objects.get(number="2025-2026-A0001").pdf))
    assert world.sz.port.name in text
    assert "全国文明口岸" in text
    assert "同志" not in text


def test_the_qr_code_points_to_the_public_verification_page(granted, settings):
    settings.CIVPORT_PUBLIC_URL = "https://civport.example.gov.cn"
    honour = Honour.objects.select_related("round").get(number="2025-2026-B0001")

    url = documents.verification_url(honour)
    assert url == f"https://civport.example.gov.cn/verify/{honour.code}/"
    html = documents.certificate_html(honour)
    assert documents.qr_data_uri(url) in html
    assert documents.qr_data_uri(url).startswith("data:image/svg+xml;base64,")
    # Nothing is loaded from outside: the only address is inside the QR code's image.
    assert not re.search(r"""(src|href)=["']?https?:|url\(["']?https?:""", html)


def test_a_second_delivery_renders_nothing(granted):
    honour = Honour.objects.get(number="2025-2026-A0001")
    rendered_at = honour.rendered_at

    assert certificate_render(honour_id=honour.pk) is False
    certificate_render_task.delay(honour.pk)

    honour.refresh_from_db()
    assert honour.rendered_at == rendered_at
    assert honour.render_attempts == 1
    rendered = AuditEntry.objects.filter(action="awards.certificate.rendered")
    assert rendered.filter(object_id=str(honour.pk)).count() == 1
    assert rendered.count() == 9


def test_a_second_delivery_logs_that_it_had_nothing_to_do_not_a_bare_false(granted, caplog):
    # The log line of every task ends with what it returned; "succeeded …: False" read like a
    # failure in `make run`'s output.
    honour = Honour.objects.get(number="2025-2026-A0001")

    with caplog.at_level(logging.INFO, logger="celery.app.trace"):
        certificate_render_task.delay(honour.pk)

    [line] = [r.getMessage() for r in caplog.records if r.name == "celery.app.trace"]
    assert "awards.certificate_render" in line
    assert line.endswith(": 'nothing to do: rendered already or being rendered'")


def test_rendering_again_overwrites_the_same_file(
    granted, national_admin, media, django_capture_on_commit_callbacks
):
    honour = Honour.objects.get(number="2025-2026-D0002")
    Honour.objects.filter(pk=honour.pk).update(recipient="浙江省口岸办（更正）")

    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_render_again(actor=national_admin, honours=[honour]) == 1

    honour.refresh_from_db()
    assert honour.render_status == RenderStatus.DONE
    assert honour.render_attempts == 1
    assert "浙江省口岸办（更正）" in pdf_text(_read(honour.pdf))
    files = sorted(p.name for p in (media / "certificates" / "2025-2026").iterdir())
    assert files == sorted(f"{h.number}.pdf" for h in Honour.objects.all())
    assert (
        AuditEntry.objects.filter(
            action="awards.certificate.rendered", object_id=str(honour.pk)
        ).count()
        == 2
    )
    assert AuditEntry.objects.get(action="awards.honour.render_requested").actor == national_admin


def test_a_failed_render_keeps_its_error_and_succeeds_once_the_fault_is_gone(
    award_round, candidates, national_admin, media
):
    grant(award_round, national_admin, None)
    honour = Honour.objects.get(number="2025-2026-A0001")
    # A file where the round's certificate directory should be: the storage cannot write.
    (media / "certificates").mkdir()
    (media / "certificates" / "2025-2026").write_bytes(b"in the way")

    # The task asks to be tried again later (in-process, the request to retry is raised).
    with pytest.raises(Retry) as retry:
        certificate_render_task.delay(honour.pk)
    assert retry.value.when == 30

    honour.refresh_from_db()
    assert honour.render_status == RenderStatus.FAILED
    assert honour.render_attempts == 1
    assert honour.render_error.startswith("FileExistsError")
    assert not honour.pdf
    assert not AuditEntry.objects.filter(action="awards.certificate.rendered").exists()

    # The last attempt fails for good: no retry, the row stays failed for the office.
    Honour.objects.filter(pk=honour.pk).update(render_attempts=MAX_RENDER_ATTEMPTS - 1)
    assert certificate_render_task.delay(honour.pk).get() == GAVE_UP
    honour.refresh_from_db()
    assert (honour.render_status, honour.render_attempts) == ("failed", MAX_RENDER_ATTEMPTS)

    (media / "certificates" / "2025-2026").unlink()
    assert certificate_render(honour_id=honour.pk) is True
    honour.refresh_from_db()
    assert honour.render_status == RenderStatus.DONE
    assert honour.render_error == ""
    assert default_storage.exists("certificates/2025-2026/2025-2026-A0001.pdf")


def _content_streams(pdf):
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            yield zlib.decompress(raw)
        except zlib.error:
            continue


def test_the_decision_lists_the_winners_by_title_and_province(granted, world):
    decision = DecisionDocument.objects.get(round=granted)
    assert decision.render_status == RenderStatus.DONE
    assert decision.pdf.name == "decisions/2025-2026.pdf"

    pdf = _read(decision.pdf)
    text = pdf_text(pdf)
    # The title and the body wrap across lines, and the body across pages (their folios).
    flat = re.sub(r"— \d+ —", "", text.replace("\n", ""))
    assert "国家口岸管理办公室文件" in text
    assert DECISION_NUMBER in text
    assert "关于表彰2025—2026年度全国共建文明口岸活动先进集体和先进个人的决定" in flat
    assert "授予2个口岸“全国文明口岸”称号" in flat
    assert "授予3个单位“全国共建文明口岸先进单位”称号" in flat
    assert "2026年3月2日" in text
    for number, name in enumerate(
        ("全国文明口岸", "全国共建文明口岸先进单位", "全国共建文明口岸先进个人"), start=1
    ):
        assert f"附件{number}" in text
        assert f"{name}名单" in text
    # Attachment 2 lists Guangdong's units before Zhejiang's.
    units = text[text.index("全国共建文明口岸先进单位名单\n") :]
    assert units.index(world.gz.units[1].name) < units.index(world.nb.units[0].name)
    assert units.index(world.gd.name) < units.index(world.zj.name)
    assert f"{world.sz.people[0].name}（{world.sz.people[0].unit.name}）" in text
    # The issuing authority's mark and the separator line are red (#e60012).
    assert any(
        re.search(rb"0\.90\d* 0 0\.07\d* (rg|RG)", stream) for stream in _content_streams(pdf)
    )
    assert all(embedded for _name, embedded in pdf_fonts(pdf).values())


def test_the_decision_renders_once_per_request(
    granted, national_admin, django_capture_on_commit_callbacks
):
    decision = DecisionDocument.objects.get(round=granted)
    assert decision_render(decision_id=decision.pk) is False

    with django_capture_on_commit_callbacks(execute=True):
        decision_render_again(actor=national_admin, decision=decision)

    decision.refresh_from_db()
    assert decision.render_status == RenderStatus.DONE
    assert AuditEntry.objects.filter(action="awards.decision.rendered").count() == 2
