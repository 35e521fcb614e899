"""Public feedback: submitting without an account, the tracking code, rate limits, and the port
authority's handling of each item.

Rate limits count per address in the configured cache (local memory, or Redis with REDIS_URL);
every test sends from its own random address, so counters never carry over between tests.
"""

import ipaddress
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from campaigns.access import access_feedback
from campaigns.models import Feedback
from campaigns.selectors.public import feedback_get_by_code
from campaigns.services import public as services
from civport.models import AuditEntry
from tests.conftest import login
from tests.queries import BASE, EXTRA


def _address():
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


@pytest.fixture
def public():
    """An anonymous browser with its own network address, CSRF checks on."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=_address())


def _csrf_post(client, url, data):
    """Fetch the form first, as a browser does, and send its CSRF token back."""
    page = client.get(url)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def _submit(client, port, **data):
    url = reverse("campaigns:public-feedback", args=[port.code])
    return _csrf_post(client, url, {"kind": "complaint", "text": "排队时间太长", **data})


def _code_from(client, response):
    """Follow the redirect to the page that shows the new code once; return the code."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.context["raw_code"]


def _item(world, n=0, **kwargs):
    item, code = services.feedback_submit(
        port=kwargs.pop("port", world.sz.port),
        kind=kwargs.pop("kind", Feedback.Kind.SUGGESTION),
        text=kwargs.pop("text", f"建议{n}：增加自助通关通道"),
        **kwargs,
    )
    return item, code


# --- submitting -------------------------------------------------------------------------------


def test_anonymous_submission_gets_a_tracking_code(world, public):
    response = _submit(public, world.sz.port)
    code = _code_from(public, response)
    assert len(code) >= 12
    item = Feedback.objects.get()
    assert item.port == world.sz.port
    assert item.kind == Feedback.Kind.COMPLAINT
    assert item.name == "" and item.contact == ""
    assert item.status == Feedback.Status.RECEIVED
    # Only the hash is stored.
    assert code not in item.tracking_hash
    assert item.tracking_hash == services.tracking_hash(code)
    entry = AuditEntry.objects.get(action="campaigns.feedback.submitted")
    assert entry.actor is None and entry.object_id == str(item.pk)
    assert entry.ip_address == public.defaults["REMOTE_ADDR"]


def test_named_submission_keeps_name_and_contact(world, public):
    response = _submit(public, world.sz.port, name="张三", contact="13800000000", kind="suggestion")
    _code_from(public, response)
    item = Feedback.objects.get()
    assert (item.name, item.contact, item.kind) == ("张三", "13800000000", "suggestion")


def test_the_code_is_shown_only_once(world, public):
    response = _submit(public, world.sz.port)
    _code_from(public, response)
    again = public.get(reverse("campaigns:feedback-submitted"))
    assert again.status_code == 302
    assert again["Location"] == reverse("campaigns:feedback-track")


def test_script_in_the_text_is_neutralised(world, public):
    text = '<script>alert("x")</script><b>太慢</b> <img src=x onerror=alert(1)>&lt;script&gt;1&lt;/script&gt;'
    response = _submit(public, world.sz.port, text=text, name="<i>李四</i>")
    code = _code_from(public, response)
    item = Feedback.objects.get()
    assert "<" not in item.text and "alert(" not in item.text
    assert item.text == "太慢"
    assert item.name == "李四"
    page = public.get(reverse("campaigns:feedback-track", args=[code]))
    assert b"<script>alert" not in page.content
    assert "太慢" in page.content.decode()


def test_text_made_only_of_markup_is_refused_with_the_field_named(world, public):
    response = _submit(public, world.sz.port, text="<script>alert(1)</script>")
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_missing_kind_names_the_field(world, public):
    url = reverse("campaigns:public-feedback", args=[world.sz.port.code])
    response = _csrf_post(public, url, {"text": "建议"})
    assert response.context["form"].errors["kind"]
    assert not Feedback.objects.exists()


def test_post_without_csrf_token_is_refused(world, public):
    url = reverse("campaigns:public-feedback", args=[world.sz.port.code])
    response = public.post(url, {"kind": "complaint", "text": "建议"})
    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_unknown_or_closed_port_is_404(world, public):
    assert public.get(reverse("campaigns:public-feedback", args=["NOPE"])).status_code == 404
    world.nb.port.status = "closed"
    world.nb.port.save(update_fields=["status"])
    url = reverse("campaigns:public-feedback", args=[world.nb.port.code])
    assert public.get(url).status_code == 404


def test_public_pages_load_nothing_from_outside(world, public):
    url = reverse("campaigns:public-feedback", args=[world.sz.port.code])
    body = public.get(url).content.decode()
    assert "http://" not in body and "https://" not in body and "//cdn" not in body
    ports = public.get(reverse("campaigns:public-feedback")).content.decode()
    assert world.sz.port.name in ports and world.nb.port.name in ports


# --- rate limits ------------------------------------------------------------------------------


def test_submissions_are_rate_limited_per_address(world, public, settings):
    settings.CIVPORT_RATE_LIMITS = {"feedback": (2, 3600)}
    url = reverse("campaigns:public-feedback", args=[world.sz.port.code])
    token = public.get(url).cookies["csrftoken"].value
    data = {"kind": "complaint", "text": "排队太久", "csrfmiddlewaretoken": token}
    assert public.post(url, data).status_code == 302
    assert public.post(url, data).status_code == 302
    limited = public.post(url, data)
    assert limited.status_code == 429
    assert "60" in limited.context["limited"]
    # What was typed is still in the form.
    assert "排队太久" in limited.content.decode()
    assert Feedback.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR=_address())
    assert other.post(url, {"kind": "complaint", "text": "另一个"}).status_code == 302


def test_tracking_lookups_are_rate_limited(world, public, settings):
    settings.CIVPORT_RATE_LIMITS = {"track": (3, 600)}
    _unused, code = _item(world)
    url = reverse("campaigns:feedback-track", args=[code])
    guess = reverse("campaigns:feedback-track", args=["ABCDEFGHJKMNPQRS"])
    assert public.get(guess).status_code == 404
    assert public.get(guess).status_code == 404
    assert public.get(url).status_code == 200
    # Over the limit even with the right code: guessing cannot be kept up.
    limited = public.get(url)
    assert limited.status_code == 429
    assert limited.context["message"]


# --- tracking ---------------------------------------------------------------------------------


def test_tracking_shows_status_and_answer(world, public, port_officer):
    item, code = _item(world)
    page = public.get(reverse("campaigns:feedback-track", args=[code]))
    assert page.status_code == 200
    assert page.context["item"].status == "received"
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    services.feedback_answer(actor=port_officer, feedback=item, answer="已增设两条通道")
    page = public.get(reverse("campaigns:feedback-track", args=[code]))
    assert "已增设两条通道" in page.content.decode()
    assert page.context["item"].status == "answered"
    # The contact details are never on the public page.
    assert "contact" not in page.context["item"].__dict__


def test_tracking_code_is_forgiving_about_case_and_dashes(world, public):
    _unused, code = _item(world)
    typed = services.format_code(code).lower()
    form = public.get(reverse("campaigns:feedback-track"), {"code": f"  {typed} "})
    assert form.status_code == 302
    assert form["Location"] == reverse("campaigns:feedback-track", args=[code])
    assert public.get(form["Location"]).status_code == 200


@pytest.mark.parametrize("guess", ["ABCDEFGHJKMNPQRS", "short", "x" * 60, "%3Cscript%3E"])
def test_a_guessed_code_is_a_plain_404(world, public, guess):
    _item(world)
    response = public.get(reverse("campaigns:feedback-track", args=[guess]))
    assert response.status_code == 404
    assert feedback_get_by_code(guess) is None


def test_tracking_page_runs_one_query(world, public, django_assert_num_queries):
    items = [_item(world, n) for n in range(EXTRA)]
    _unused, code = items[5]
    url = reverse("campaigns:feedback-track", args=[code])
    # the item with its port, by the hash of the code (no session: an anonymous visitor)
    with django_assert_num_queries(1):
        response = public.get(url)
    assert response.status_code == 200


def test_tracking_codes_are_unique_in_the_database(world):
    item, _code = _item(world)
    with pytest.raises(IntegrityError):
        Feedback.objects.create(
            port=world.sz.port, kind="complaint", text="x", tracking_hash=item.tracking_hash
        )


# --- handling ---------------------------------------------------------------------------------


def test_port_officer_takes_up_answers_and_closes(client, world, port_officer):
    item, _code = _item(world)
    login(client, port_officer)
    assert client.post(reverse("campaigns:feedback-start", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    response = client.post(
        reverse("campaigns:feedback-answer", args=[item.pk]),
        {"answer": "感谢您的建议，<b>已改进</b>"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.answer, item.answered_by) == (
        "answered",
        "感谢您的建议，已改进",
        port_officer,
    )
    response = client.post(reverse("campaigns:feedback-close", args=[item.pk]), {"reason": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_at is not None
    actions = list(
        AuditEntry.objects.filter(object_id=str(item.pk), action__startswith="campaigns.feedback")
        .order_by("at", "pk")
        .values_list("action", "actor")
    )
    assert actions == [
        ("campaigns.feedback.submitted", None),
        ("campaigns.feedback.started", port_officer.pk),
        ("campaigns.feedback.answered", port_officer.pk),
        ("campaigns.feedback.closed", port_officer.pk),
    ]
    detail = client.get(reverse("campaigns:feedback-detail", args=[item.pk]))
    assert len(detail.context["history"]) == 4


def test_an_empty_answer_names_the_field_and_changes_nothing(client, world, port_officer):
    item, _code = _item(world)
    login(client, port_officer)
    response = client.post(
        reverse("campaigns:feedback-answer", args=[item.pk]), {"answer": "<p></p>"}
    )
    assert response.status_code == 200
    assert response.context["answer_form"].errors["answer"]
    item.refresh_from_db()
    assert item.status == "received" and item.answer == ""


def test_closing_unanswered_needs_a_reason(client, world, port_officer):
    item, _code = _item(world)
    login(client, port_officer)
    response = client.post(reverse("campaigns:feedback-close", args=[item.pk]), {"reason": ""})
    assert response.status_code == 200
    assert response.context["close_form"].errors["reason"]
    item.refresh_from_db()
    assert item.status == "received"
    client.post(reverse("campaigns:feedback-close", args=[item.pk]), {"reason": "重复提交"})
    item.refresh_from_db()
    assert (item.status, item.close_reason) == ("closed", "重复提交")


def test_a_closed_item_takes_no_answer(world, port_officer):
    item, _code = _item(world)
    services.feedback_close(actor=port_officer, feedback=item, reason="无效")
    with pytest.raises(ValidationError):
        services.feedback_answer(actor=port_officer, feedback=item, answer="x")
    with pytest.raises(ValidationError):
        services.feedback_start(actor=port_officer, feedback=item)


def test_answered_status_needs_an_answer_in_the_database(world):
    item, _code = _item(world)
    with pytest.raises(IntegrityError):
        Feedback.objects.filter(pk=item.pk).update(status="answered")


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona_name", "sees_sz", "handles_sz", "sees_nb"),
    [
        ("national_admin", True, False, True),
        ("gd_officer", True, False, False),
        ("zj_officer", False, False, True),
        ("port_officer", True, True, False),
        ("nb_officer", False, False, True),
        ("unit_contact", False, False, False),
        ("outsider", False, False, False),
    ],
)
def test_access_matrix(world, persona, persona_name, sees_sz, handles_sz, sees_nb):
    user = persona(persona_name)
    sz_item, _c = _item(world)
    nb_item, _c = _item(world, port=world.nb.port)
    for item, sees in ((sz_item, sees_sz), (nb_item, sees_nb)):
        if sees:
            assert access_feedback(user, item.pk) == item
        else:
            with pytest.raises(Http404):
                access_feedback(user, item.pk)
    if handles_sz:
        assert access_feedback(user, sz_item.pk, edit=True) == sz_item
    elif sees_sz:
        with pytest.raises(PermissionDenied):
            access_feedback(user, sz_item.pk, edit=True)


def test_nb_officer_handles_nb_feedback(world, nb_officer):
    item, _c = _item(world, port=world.nb.port)
    assert access_feedback(nb_officer, item.pk, edit=True) == item


def test_cross_province_pages_are_404(client, world, zj_officer, gd_officer):
    item, _c = _item(world)
    login(client, zj_officer)
    for name in ("feedback-detail",):
        assert client.get(reverse(f"campaigns:{name}", args=[item.pk])).status_code == 404
    for name in ("feedback-start", "feedback-answer", "feedback-close"):
        url = reverse(f"campaigns:{name}", args=[item.pk])
        assert client.post(url, {"answer": "x", "reason": "x"}).status_code == 404
    listing = client.get(reverse("campaigns:feedback-list"))
    assert listing.context["page"].paginator.count == 0
    item.refresh_from_db()
    assert item.status == "received"


def test_provincial_officer_reads_but_cannot_answer(client, world, gd_officer):
    item, _c = _item(world)
    login(client, gd_officer)
    detail = client.get(reverse("campaigns:feedback-detail", args=[item.pk]))
    assert detail.status_code == 200 and not detail.context["can_handle"]
    response = client.post(reverse("campaigns:feedback-answer", args=[item.pk]), {"answer": "x"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "received"


def test_public_pages_need_no_login(world, public):
    for url in (
        reverse("campaigns:public-feedback"),
        reverse("campaigns:public-feedback", args=[world.sz.port.code]),
        reverse("campaigns:feedback-track"),
    ):
        assert public.get(url).status_code == 200
    # The office pages still do.
    response = public.get(reverse("campaigns:feedback-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- office pages: query counts ---------------------------------------------------------------


@pytest.fixture
def crowd(world):
    """Twelve items in Shenzhen (named and anonymous, some answered) and a few in Ningbo."""
    items = []
    for n in range(EXTRA):
        item, _c = _item(
            world,
            n,
            kind=Feedback.Kind.COMPLAINT if n % 2 else Feedback.Kind.SUGGESTION,
            name=f"提交人{n}" if n % 3 else "",
        )
        items.append(item)
    for n in range(3):
        _item(world, n, port=world.nb.port)
    return items


def test_feedback_list_query_count(client, crowd, port_officer, django_assert_num_queries):
    login(client, port_officer)
    # BASE + port choices of the filter + count + page rows (with port)
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:feedback-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == EXTRA


def test_feedback_list_filtered_national(client, crowd, national_admin, django_assert_num_queries):
    login(client, national_admin)
    url = reverse("campaigns:feedback-list")
    query = {
        "status": "received",
        "kind": "complaint",
        "port": crowd[0].port_id,
        "submitted_from": "2000-01-01",
        "submitted_until": "2999-12-31",
    }
    # the same for the whole country with every filter set
    with django_assert_num_queries(BASE + 3):
        response = client.get(url, query)
    assert response.context["page"].paginator.count == EXTRA // 2


def test_feedback_detail_query_count(client, crowd, port_officer, django_assert_num_queries):
    item = crowd[3]
    services.feedback_answer(actor=port_officer, feedback=item, answer="已处理")
    login(client, port_officer)
    # BASE + item with port and authority (access) + breadcrumb ancestors + history
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:feedback-detail", args=[item.pk]))
    assert response.status_code == 200
    assert response.context["can_handle"]
    assert len(response.context["history"]) == 2


def test_public_pages_query_counts(crowd, world, public, django_assert_num_queries):
    # the ports open to feedback (one query, whatever their number)
    with django_assert_num_queries(1):
        assert public.get(reverse("campaigns:public-feedback")).status_code == 200
    # the port by its code
    with django_assert_num_queries(1):
        url = reverse("campaigns:public-feedback", args=[world.sz.port.code])
        assert public.get(url).status_code == 200
