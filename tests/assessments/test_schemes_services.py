"""Scheme services: versions, derivation, weights (the template's tolerance a warning),
publication, which for a province's version is its assessment standard filed for the record
(publish → in force and filed → acknowledged or commented → new version), problems and
coefficients."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Item, Scheme
from assessments.services import schemes as services
from assessments.services.reviews import review_create
from assessments.services.sheets import running_total
from assessments.template import template_install
from campaigns.models import Filing, FilingVersion
from campaigns.services import filings as filing_services
from civport.models import AuditEntry, Notification

pytestmark = pytest.mark.usefixtures("in_english")  # the messages are asserted in English

CENT = Decimal("0.01")


@pytest.fixture
def gd_draft(world, template, gd_officer):
    return services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)


def full_marks_total(scheme):
    items = list(Item.objects.filter(scheme=scheme))
    points = {i.pk: i.max_points for i in items if i.kind == Item.Kind.STANDARD}
    return running_total(items, points, scheme.bonus_cap)


def exact_full_marks(scheme):
    return sum(
        (
            i.max_points * i.coefficient
            for i in Item.objects.filter(scheme=scheme, kind=Item.Kind.STANDARD)
        ),
        Decimal(0),
    )


# --- versions -------------------------------------------------------------------------------


def test_new_version_copies_the_tree_as_a_draft(template, national_admin):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    assert (draft.family, draft.version, draft.status) == (template.family, 2, "draft")
    assert draft.is_template
    assert draft.items.count() == template.items.count() == 29
    assert draft.vetoes.count() == 3
    assert list(draft.items.values_list("code", "coefficient")) == list(
        template.items.values_list("code", "coefficient")
    )
    assert AuditEntry.objects.filter(action="assessments.scheme.versioned").count() == 1


def test_second_draft_of_a_family_is_refused(template, national_admin):
    services.scheme_new_version(actor=national_admin, scheme=template)
    with pytest.raises(ValidationError, match="draft version of this scheme exists"):
        services.scheme_new_version(actor=national_admin, scheme=template)


def test_published_version_refuses_every_edit(template, national_admin):
    with pytest.raises(ValidationError, match="published and frozen"):
        services.scheme_weights_update(
            actor=national_admin, scheme=template, area_weights={"safety": Decimal("30")}
        )
    with pytest.raises(ValidationError, match="published and frozen"):
        services.scheme_update_settings(
            actor=national_admin, scheme=template, data={"pass_mark": Decimal("70")}
        )
    with pytest.raises(ValidationError, match="published and frozen"):
        services.scheme_tree_replace(
            actor=national_admin, scheme=template, area_weights={}, items=[], vetoes=[]
        )
    with pytest.raises(ValidationError, match="published and frozen"):
        services.scheme_publish(actor=national_admin, scheme=template)
    template.refresh_from_db()
    assert template.areas.get(area__code="safety").weight == Decimal("14")


def test_publish_freezes_a_national_draft(template, national_admin):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    services.scheme_weights_update(
        actor=national_admin, scheme=draft, area_weights={"safety": Decimal("20")}
    )
    services.scheme_publish(actor=national_admin, scheme=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert not services.scheme_is_editable(draft)
    # the earlier version is untouched: scores keep pointing at it
    assert template.areas.get(area__code="safety").weight == Decimal("14")


def test_publish_refuses_a_scheme_with_problems(world, national_admin):
    empty = services.scheme_create(
        actor=national_admin, family="empty", name="空", authority=world.national
    )
    with pytest.raises(ValidationError) as caught:
        services.scheme_publish(actor=national_admin, scheme=empty)
    assert "has no standard scoring item" in " ".join(caught.value.messages)
    empty.refresh_from_db()
    assert empty.status == Scheme.Status.DRAFT


# --- derivation -----------------------------------------------------------------------------


def test_derive_makes_the_provinces_own_draft(world, template, gd_draft):
    assert gd_draft.authority == world.gd
    assert gd_draft.derived_from == template
    assert gd_draft.family == "national-template-gd"
    assert (gd_draft.status, gd_draft.filing_version) == ("draft", None)
    assert gd_draft.items.count() == 29


def test_derive_needs_a_published_template(world, template, gd_draft, gd_officer):
    with pytest.raises(ValidationError, match="published national template"):
        services.scheme_derive(actor=gd_officer, template=gd_draft, authority=world.gd)
    with pytest.raises(ValidationError, match="draft of this scheme already"):
        services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)
    with pytest.raises(ValidationError, match="provincial authority"):
        services.scheme_derive(actor=gd_officer, template=template, authority=world.sz.authority)


def test_weights_within_tolerance_are_saved(gd_draft, gd_officer):
    # the template's safety weight is 14 with a 20% tolerance: 11.20–16.80
    services.scheme_weights_update(
        actor=gd_officer,
        scheme=gd_draft,
        area_weights={"safety": Decimal("16.8"), "culture": Decimal("6.4")},
        item_weights={"6.1": Decimal("1.2")},
    )
    assert gd_draft.areas.get(area__code="safety").weight == Decimal("16.8")
    assert gd_draft.items.get(code="6.1").weight == Decimal("1.2")
    entry = AuditEntry.objects.get(action="assessments.scheme.weights_changed")
    assert entry.changes["area:safety"] == ["14.00", "16.8"]


def test_area_weight_outside_tolerance_is_saved_with_a_warning_naming_the_area(
    gd_draft, gd_officer
):
    services.scheme_weights_update(
        actor=gd_officer,
        scheme=gd_draft,
        area_weights={"safety": Decimal("25"), "culture": Decimal("8")},
    )
    assert gd_draft.areas.get(area__code="safety").weight == Decimal("25")
    warnings = services.scheme_warnings(gd_draft)
    assert len(warnings) == 1
    assert "安全建设" in warnings[0] and "25" in warnings[0]
    assert "11.20" in warnings[0] and "16.80" in warnings[0]


def test_item_weight_outside_tolerance_is_a_warning_naming_the_item(gd_draft, gd_officer):
    services.scheme_weights_update(
        actor=gd_officer, scheme=gd_draft, area_weights={}, item_weights={"1.1": Decimal("2")}
    )
    assert gd_draft.items.get(code="1.1").weight == Decimal("2")
    assert any("1.1" in w for w in services.scheme_warnings(gd_draft))


def test_negative_weight_is_refused(world, national_admin, template):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    with pytest.raises(ValidationError) as caught:
        services.scheme_weights_update(
            actor=national_admin, scheme=draft, area_weights={"culture": Decimal("-1")}
        )
    assert "文化建设" in caught.value.message_dict["culture"][0]


def test_the_national_template_moves_freely(national_admin, template):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    services.scheme_weights_update(
        actor=national_admin, scheme=draft, area_weights={"safety": Decimal("40")}
    )
    assert draft.areas.get(area__code="safety").weight == Decimal("40")


# --- publication is the filing (备案) ------------------------------------------------------


def _standard(authority):
    return Filing.objects.filter(authority=authority, kind=Filing.Kind.ASSESSMENT_STANDARD)


def test_publication_takes_effect_without_a_national_answer(
    world, gd_draft, gd_officer, national_admin
):
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED and scheme.published_at is not None
    assert scheme.filing_version.outcome == FilingVersion.Outcome.PENDING
    assert not services.scheme_is_editable(scheme)
    # in force at once: the province's own review runs on it before any answer
    review = review_create(
        actor=gd_officer, name="广东省年度考核", round_key="2026", authority=world.gd, scheme=scheme
    )
    assert review.scheme == scheme


def test_publication_is_the_provinces_one_assessment_standard_filing(
    world, gd_draft, gd_officer, national_admin
):
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    filing = _standard(world.gd).get()
    version = scheme.filing_version
    assert version.filing == filing and version.number == 1
    assert (filing.status, filing.version_count) == (Filing.Status.SUBMITTED, 1)
    assert version.submitted_by == gd_officer
    assert version.source_url == reverse("assessments:scheme-detail", args=[scheme.pk])
    assert "安全建设: 14.00 (14.00)" in version.text
    assert Notification.objects.filter(
        user=national_admin, key=f"filing-submitted:{version.pk}"
    ).exists()
    actions = list(
        AuditEntry.objects.filter(
            action__in=["assessments.scheme.published", "campaigns.filing.published"]
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    # the template's own publication first, then the province's: filed, then published
    assert actions[-2:] == ["campaigns.filing.published", "assessments.scheme.published"]


def test_the_standard_cannot_be_filed_a_second_way(world, gd_officer):
    with pytest.raises(ValidationError, match="publishing the province's assessment scheme"):
        filing_services.filing_create(
            actor=gd_officer,
            authority=world.gd,
            kind=Filing.Kind.ASSESSMENT_STANDARD,
            title="广东省考核标准",
        )
    assert not _standard(world.gd).exists()


def test_publication_and_filing_are_one_transaction(world, gd_draft, gd_officer):
    gd_draft.items.filter(indicator__scheme_area__area__code="culture").update(weight=0)
    with pytest.raises(ValidationError) as caught:
        services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    assert any("文化建设" in m for m in caught.value.messages)
    gd_draft.refresh_from_db()
    assert (gd_draft.status, gd_draft.filing_version) == ("draft", None)
    assert not _standard(world.gd).exists()


def test_the_national_office_acknowledges(world, gd_draft, gd_officer, national_admin):
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    filing_services.filing_acknowledge(
        actor=national_admin, filing=scheme.filing_version.filing, comments="同意备案"
    )
    scheme.refresh_from_db()
    assert scheme.filing_version.outcome == FilingVersion.Outcome.ACKNOWLEDGED
    assert scheme.filing_version.comments == "同意备案"
    assert scheme.status == Scheme.Status.PUBLISHED
    assert _standard(world.gd).get().status == Filing.Status.ACKNOWLEDGED


def test_comments_go_back_to_the_province_and_the_version_stays_in_force(
    world, gd_draft, gd_officer, national_admin
):
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    filing = scheme.filing_version.filing
    with pytest.raises(ValidationError) as caught:
        filing_services.filing_return(actor=national_admin, filing=filing, comments="  ")
    assert "comments" in caught.value.message_dict
    filing_services.filing_return(
        actor=national_admin, filing=filing, comments="安全建设权重请再提高"
    )
    scheme.refresh_from_db()
    assert scheme.filing_version.outcome == FilingVersion.Outcome.RETURNED
    assert scheme.filing_version.comments == "安全建设权重请再提高"
    assert scheme.status == Scheme.Status.PUBLISHED
    notice = Notification.objects.get(
        user=gd_officer, key=f"filing-answered:{scheme.filing_version.pk}"
    )
    assert "commented on your assessment standard" in notice.title
    assert notice.body == "安全建设权重请再提高"
    assert notice.url == reverse("campaigns:filing-detail", args=[filing.pk])
    # the filing itself is not written by hand in the meantime
    with pytest.raises(ValidationError, match="publishing the province's assessment scheme"):
        filing_services.filing_update(actor=gd_officer, filing=filing, title="x", text="y")


def test_a_new_version_after_comments_is_the_next_filing_version(
    world, gd_draft, gd_officer, national_admin
):
    first = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    filing_services.filing_return(
        actor=national_admin, filing=first.filing_version.filing, comments="请说明依据"
    )
    draft = services.scheme_new_version(actor=gd_officer, scheme=first)
    services.scheme_weights_update(
        actor=gd_officer, scheme=draft, area_weights={"safety": Decimal("16")}
    )
    second = services.scheme_publish(actor=gd_officer, scheme=draft)
    filing = _standard(world.gd).get()
    assert (filing.status, filing.version_count) == (Filing.Status.RESUBMITTED, 2)
    assert second.filing_version.number == 2
    assert second.filing_version.outcome == FilingVersion.Outcome.PENDING
    first.refresh_from_db()
    assert first.filing_version.outcome == FilingVersion.Outcome.RETURNED
    # the answer now goes to the new version
    filing_services.filing_acknowledge(actor=national_admin, filing=filing)
    second.refresh_from_db()
    assert second.filing_version.outcome == FilingVersion.Outcome.ACKNOWLEDGED


def test_weights_outside_tolerance_are_published_with_the_warning_filed(
    world, gd_draft, gd_officer, national_admin
):
    services.scheme_weights_update(
        actor=gd_officer, scheme=gd_draft, area_weights={"safety": Decimal("25")}
    )
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    assert scheme.status == Scheme.Status.PUBLISHED
    warnings = scheme.filing_version.warnings
    assert "安全建设" in warnings and "11.20" in warnings and "16.80" in warnings
    notice = Notification.objects.get(
        user=national_admin, key=f"filing-submitted:{scheme.filing_version.pk}"
    )
    assert "安全建设" in notice.body


def test_the_national_template_is_published_without_a_filing(template, national_admin):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    services.scheme_publish(actor=national_admin, scheme=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.filing_version is None
    assert not Filing.objects.exists()


# --- problems and coefficients --------------------------------------------------------------


def test_problems_of_the_template_are_none(template):
    assert services.scheme_problems(template) == []


def test_problems_name_what_is_missing(world, national_admin, template):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    draft.areas.filter(area__code="integrity").update(weight=0)
    draft.items.filter(indicator__scheme_area__area__code="culture").delete()
    draft.bonus_cap = 0
    draft.save()
    problems = services.scheme_problems(draft)
    assert "The area “文化建设” has no standard scoring item." in problems
    assert "The area “廉政建设” has no weight." in problems
    assert "The scheme has bonus items but no bonus cap." in problems


def test_weights_of_a_derived_version_are_warnings_not_problems(gd_draft):
    gd_draft.areas.filter(area__code="service").update(weight=Decimal("1"))
    assert services.scheme_problems(gd_draft) == []
    warnings = services.scheme_warnings(gd_draft)
    assert len(warnings) == 1 and "服务建设" in warnings[0]


def test_full_marks_total_exactly_the_base(template):
    assert full_marks_total(template) == Decimal("100.00")
    assert abs(exact_full_marks(template) - 100) < Decimal("0.000001")


def test_full_marks_total_the_base_with_awkward_weights(national_admin, template):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    services.scheme_update_settings(
        actor=national_admin, scheme=draft, data={"base_points": Decimal("120")}
    )
    services.scheme_weights_update(
        actor=national_admin,
        scheme=draft,
        area_weights={"safety": Decimal("7"), "culture": Decimal("3.33")},
        item_weights={"1.1": Decimal("0.7"), "2.2": Decimal("3"), "9.1": Decimal("0")},
    )
    draft.items.filter(code="1.2").update(max_points=Decimal("7.77"))
    draft.refresh_from_db()
    services.scheme_recompute(draft)
    assert full_marks_total(draft) == Decimal("120.00")
    assert abs(exact_full_marks(draft) - 120) < Decimal("0.000001")
    # a bonus item never counts towards the base
    assert set(draft.items.filter(kind="bonus").values_list("coefficient", flat=True)) == {0}


def test_template_install_is_idempotent(world, template):
    assert template_install(actor=None, authority=world.national) == template
    assert Scheme.objects.count() == 1


# --- replacing the tree ---------------------------------------------------------------------


def _row(area, code, **extra):
    return {
        "area": area,
        "indicator": extra.pop("indicator", f"{area}指标"),
        "code": code,
        "text": f"要求{code}",
        "kind": "standard",
        "max_points": Decimal("5"),
        "weight": Decimal("1"),
        "method": "documents",
        "deduction_rule": "",
        **extra,
    }


def test_tree_replace_writes_the_new_tree(national_admin, template):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    rows = [_row("safety", "S1"), _row("safety", "S2", indicator="第二指标"), _row("culture", "C1")]
    rows.append(_row("culture", "B1", kind="bonus"))
    services.scheme_tree_replace(
        actor=national_admin,
        scheme=draft,
        area_weights={"safety": Decimal("30")},
        items=rows,
        vetoes=[{"code": "V9", "text": "重大事故", "lookback_months": 12}],
        settings={"pass_mark": Decimal("75")},
    )
    draft.refresh_from_db()
    assert list(draft.items.values_list("code", flat=True)) == ["S1", "S2", "C1", "B1"]
    assert list(draft.areas.get(area__code="safety").indicators.values_list("order", "name")) == [
        (1, "safety指标"),
        (2, "第二指标"),
    ]
    assert draft.pass_mark == Decimal("75")
    assert list(draft.vetoes.values_list("code", "lookback_months")) == [("V9", 12)]
    assert draft.items.get(code="S1").coefficient > 0
    entry = AuditEntry.objects.get(action="assessments.scheme.tree_replaced")
    assert entry.changes["items"] == [29, 4]


def test_tree_replace_is_all_or_nothing(gd_draft, gd_officer):
    before = list(gd_draft.items.values_list("code", "text"))
    with pytest.raises(ValidationError, match="Unknown construction areas: nowhere"):
        services.scheme_tree_replace(
            actor=gd_officer,
            scheme=gd_draft,
            area_weights={"safety": Decimal("50")},
            items=[_row("safety", "S1"), _row("nowhere", "S2")],
            vetoes=[],
        )
    assert list(gd_draft.items.values_list("code", "text")) == before
    assert gd_draft.vetoes.count() == 3


def test_tree_replace_refuses_duplicate_codes(national_admin, template):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    with pytest.raises(ValidationError, match="only once"):
        services.scheme_tree_replace(
            actor=national_admin,
            scheme=draft,
            area_weights={},
            items=[_row("safety", "S1"), _row("culture", "S1")],
            vetoes=[],
        )
