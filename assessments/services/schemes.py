"""Writes to assessment schemes: versions, derivation, weights, publication and filing (备案).

A published version is frozen: edits go to a new draft version. A national template is
published by the national office. A province derives its own version from a published template,
sets its own weights and publishes it: the version is in force from then on, and its
publication is the province's assessment standard filed for the record (备案) with the national
office, one `campaigns.Filing` written in the same transaction. The national office
acknowledges it or comments on it there; its answer never takes the version out of force, and
the province may publish a new version after comments. Weights further than the template's
tolerance from the template's are a warning shown to both sides, not a refusal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import (
    Indicator,
    Item,
    Scheme,
    SchemeArea,
    Score,
    SelfAssessment,
    VetoCondition,
)
from campaigns.models import Authority, ConstructionArea, Filing
from campaigns.services.filings import filing_publication_record
from civport.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COEFFICIENT_PLACES = Decimal("0.0000000001")
SETTINGS_FIELDS = (
    "name",
    "name_en",
    "description",
    "base_points",
    "bonus_cap",
    "pass_mark",
    "aggregation",
    "trim_from",
    "disagreement_threshold",
    "weight_tolerance",
)


def scheme_is_editable(scheme: Scheme) -> bool:
    """A draft: a published version is frozen."""
    return scheme.status == Scheme.Status.DRAFT


def _require_editable(scheme: Scheme) -> None:
    if scheme.status == Scheme.Status.PUBLISHED:
        raise ValidationError(
            _("Version %(version)s is published and frozen; make a new version to change it.")
            % {"version": scheme.version}
        )


def _lock(scheme: Scheme) -> Scheme:
    """Re-read the scheme under a row lock: two officers acting at once act one after another."""
    return Scheme.objects.select_for_update().get(pk=scheme.pk)


def scheme_recompute(scheme: Scheme) -> None:
    """Write every standard item's coefficient from the weights (see `Item`)."""
    areas = list(scheme.areas.all())
    items = list(Item.objects.filter(scheme=scheme).select_related("indicator"))
    area_total = sum((a.weight for a in areas), Decimal(0))
    item_totals: dict[int, Decimal] = {}
    for item in items:
        if item.kind == Item.Kind.STANDARD:
            key = item.indicator.scheme_area_id
            item_totals[key] = item_totals.get(key, Decimal(0)) + item.weight
    area_weight = {a.pk: a.weight for a in areas}
    for item in items:
        area_id = item.indicator.scheme_area_id
        if item.kind == Item.Kind.BONUS or not area_total or not item_totals.get(area_id):
            item.coefficient = Decimal(0)
            continue
        share = (area_weight[area_id] / area_total) * (item.weight / item_totals[area_id])
        item.coefficient = (scheme.base_points * share / item.max_points).quantize(
            COEFFICIENT_PLACES, ROUND_HALF_UP
        )
    Item.objects.bulk_update(items, ["coefficient"])


def scheme_problems(scheme: Scheme) -> list[str]:
    """What stops the scheme from being published, as sentences (weights outside the
    template's tolerance do not: see `scheme_warnings`)."""
    problems = []
    areas = list(scheme.areas.select_related("area"))
    if len(areas) != ConstructionArea.objects.count():
        problems.append(_("The scheme must cover all nine construction areas."))
    item_weights: dict[int, list[Decimal]] = {}
    for area_id, weight in Item.objects.filter(scheme=scheme, kind=Item.Kind.STANDARD).values_list(
        "indicator__scheme_area_id", "weight"
    ):
        item_weights.setdefault(area_id, []).append(weight)
    for area in areas:
        weights = item_weights.get(area.pk)
        if not weights:
            problems.append(
                _("The area “%(area)s” has no standard scoring item.") % {"area": area.area.name}
            )
        elif not sum(weights):
            # Every item weighing nothing would leave the area's share of the base unreachable.
            problems.append(
                _("The standard items of “%(area)s” all have a weight of zero.")
                % {"area": area.area.name}
            )
        if area.weight <= 0:
            problems.append(_("The area “%(area)s” has no weight.") % {"area": area.area.name})
    has_bonus = Item.objects.filter(scheme=scheme, kind=Item.Kind.BONUS).exists()
    if has_bonus and scheme.bonus_cap <= 0:
        problems.append(_("The scheme has bonus items but no bonus cap."))
    return problems


def scheme_warnings(scheme: Scheme) -> list[str]:
    """What the province and the national office should note about a province's version, as
    sentences: each weight further from the template's than the template's tolerance. The
    province may still publish it; the filing carries the sentences to the national office."""
    if not scheme.derived_from_id:
        return []
    return list(_weight_problems(scheme).values())


def weight_range(reference: Decimal, tolerance: Decimal) -> tuple[Decimal, Decimal]:
    """The lowest and highest weight a derived version may give where the template gives
    `reference`, with the template's tolerance in per cent."""
    share = tolerance / Decimal(100)
    cent = Decimal("0.01")
    return (
        (reference * (1 - share)).quantize(cent, ROUND_HALF_UP),
        (reference * (1 + share)).quantize(cent, ROUND_HALF_UP),
    )


def weight_ranges(
    scheme: Scheme,
) -> tuple[
    dict[str, tuple[Decimal, Decimal, Decimal]], dict[str, tuple[Decimal, Decimal, Decimal]]
]:
    """For a derived version: ({area code: (low, high, template weight)}, {item code: (low,
    high, template weight)}), read from the template (two queries); empty for a template."""
    template = scheme.derived_from
    if template is None:
        return {}, {}
    tolerance = template.weight_tolerance
    areas = {
        code: (*weight_range(weight, tolerance), weight)
        for code, weight in template.areas.values_list("area__code", "weight")
    }
    items = {
        code: (*weight_range(weight, tolerance), weight)
        for code, weight in template.items.filter(kind=Item.Kind.STANDARD).values_list(
            "code", "weight"
        )
    }
    return areas, items


def _weight_problems(scheme: Scheme) -> dict[str, str]:
    """{area or item code: sentence} for each weight of a derived version outside the
    template's tolerance. Items are matched to the template's by code; an item the template
    does not have is free. A warning, never a refusal: the province sets its own weights."""
    area_ranges, item_ranges = weight_ranges(scheme)
    tolerance = cast(Scheme, scheme.derived_from).weight_tolerance
    problems = {}
    for code, name, weight in scheme.areas.values_list("area__code", "area__name", "weight"):
        if code in area_ranges:
            low, high, reference = area_ranges[code]
            if not low <= weight <= high:
                problems[code] = _(
                    "The weight of “%(area)s” is %(value)s, outside %(low)s–%(high)s "
                    "(the template's %(weight)s ± %(tolerance)s%%)."
                ) % {
                    "area": name,
                    "value": weight,
                    "low": low,
                    "high": high,
                    "weight": reference,
                    "tolerance": tolerance,
                }
    standard = scheme.items.filter(kind=Item.Kind.STANDARD)
    for code, weight in standard.values_list("code", "weight"):
        if code in item_ranges:
            low, high, reference = item_ranges[code]
            if not low <= weight <= high:
                problems[code] = _(
                    "The weight of item %(code)s is %(value)s, outside %(low)s–%(high)s "
                    "(the template's %(weight)s ± %(tolerance)s%%)."
                ) % {
                    "code": code,
                    "value": weight,
                    "low": low,
                    "high": high,
                    "weight": reference,
                    "tolerance": tolerance,
                }
    return problems


def _copy_tree(source: Scheme, target: Scheme) -> None:
    """Copy areas, indicators, items and veto conditions from `source` into `target`."""
    for area in source.areas.prefetch_related("indicators__items").order_by("area__order"):
        new_area = SchemeArea.objects.create(
            scheme=target, area_id=area.area_id, weight=area.weight
        )
        for indicator in area.indicators.all():
            new_indicator = Indicator.objects.create(
                scheme_area=new_area, order=indicator.order, name=indicator.name
            )
            Item.objects.bulk_create(
                Item(
                    scheme=target,
                    indicator=new_indicator,
                    code=item.code,
                    order=item.order,
                    text=item.text,
                    kind=item.kind,
                    max_points=item.max_points,
                    weight=item.weight,
                    method=item.method,
                    deduction_rule=item.deduction_rule,
                    coefficient=item.coefficient,
                )
                for item in indicator.items.all()
            )
    VetoCondition.objects.bulk_create(
        VetoCondition(
            scheme=target,
            code=veto.code,
            order=veto.order,
            text=veto.text,
            lookback_months=veto.lookback_months,
        )
        for veto in source.vetoes.all()
    )


def _next_version(family: str) -> int:
    latest = Scheme.objects.filter(family=family).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _settings_of(scheme: Scheme) -> dict[str, Any]:
    return {name: getattr(scheme, name) for name in SETTINGS_FIELDS}


@transaction.atomic
def scheme_create(
    *,
    actor: User | None,
    family: str,
    name: str,
    authority: Authority,
    is_template: bool = False,
    **settings: Any,
) -> Scheme:
    """An empty draft with the nine areas at equal weight, ready for its tree."""
    if Scheme.objects.filter(family=family).exists():
        raise ValidationError({"family": _("A scheme with this code exists already.")})
    scheme = Scheme(
        family=family, version=1, name=name, authority=authority, is_template=is_template
    )
    for key, value in settings.items():
        if key not in SETTINGS_FIELDS:
            raise ValueError(f"{key} is not a scheme setting")
        setattr(scheme, key, value)
    scheme.full_clean()
    scheme.save()
    SchemeArea.objects.bulk_create(
        SchemeArea(scheme=scheme, area=area, weight=Decimal("1"))
        for area in ConstructionArea.objects.all()
    )
    audit_record(
        actor=actor,
        action="assessments.scheme.created",
        obj=scheme,
        changes={"family": family, "version": 1, "authority": authority},
    )
    return scheme


@transaction.atomic
def scheme_new_version(*, actor: User | None, scheme: Scheme) -> Scheme:
    """A new draft version copied from `scheme` (usually the published one)."""
    source = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if Scheme.objects.filter(family=source.family, status=Scheme.Status.DRAFT).exists():
        raise ValidationError(_("A draft version of this scheme exists already; edit that one."))
    draft = Scheme(
        family=source.family,
        version=_next_version(source.family),
        authority=source.authority,
        is_template=source.is_template,
        derived_from=source.derived_from,
        **_settings_of(source),
    )
    draft.save()
    _copy_tree(source, draft)
    audit_record(
        actor=actor,
        action="assessments.scheme.versioned",
        obj=draft,
        changes={"from_version": source.version, "version": draft.version},
    )
    return draft


@transaction.atomic
def scheme_derive(*, actor: User | None, template: Scheme, authority: Authority) -> Scheme:
    """A province's own draft version of a published national template."""
    if not (template.is_template and template.is_published):
        raise ValidationError(_("Only a published national template can be derived from."))
    if authority.level != Authority.Level.PROVINCIAL:
        raise ValidationError(_("Only a provincial authority derives its own scheme."))
    family = f"{template.family}-{authority.code}".lower()[:40]
    if Scheme.objects.filter(family=family, status=Scheme.Status.DRAFT).exists():
        raise ValidationError(_("Your province has a draft of this scheme already; edit that one."))
    scheme = Scheme(
        family=family,
        version=_next_version(family),
        authority=authority,
        is_template=False,
        derived_from=template,
        **_settings_of(template),
    )
    scheme.name = f"{template.name}（{authority.short_name or authority.name}）"[:120]
    if template.name_en:
        scheme.name_en = f"{template.name_en} ({authority.name_en or authority.code})"[:200]
    scheme.save()
    _copy_tree(template, scheme)
    audit_record(
        actor=actor,
        action="assessments.scheme.derived",
        obj=scheme,
        changes={"template": template.pk, "authority": authority},
    )
    return scheme


@transaction.atomic
def scheme_update_settings(
    *, actor: User | None, scheme: Scheme, data: Mapping[str, Any]
) -> Scheme:
    scheme = _lock(scheme)
    _require_editable(scheme)
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} cannot be changed here")
    changes = {}
    for name, value in data.items():
        if getattr(scheme, name) != value:
            changes[name] = [getattr(scheme, name), value]
            setattr(scheme, name, value)
    if not changes:
        return scheme
    scheme.full_clean()
    scheme.save(update_fields=[*changes, "updated_at"])
    scheme_recompute(scheme)
    audit_record(actor=actor, action="assessments.scheme.updated", obj=scheme, changes=changes)
    return scheme


@transaction.atomic
def scheme_weights_update(
    *,
    actor: User | None,
    scheme: Scheme,
    area_weights: Mapping[str, Decimal | None],
    item_weights: Mapping[str, Decimal | None] | None = None,
) -> Scheme:
    """Set area weights ({area code: weight}) and, optionally, item weights ({item code:
    weight}). A derived version's weights outside the template's tolerance are accepted and
    reported by `scheme_warnings`."""
    scheme = _lock(scheme)
    _require_editable(scheme)
    errors = {}
    areas = {a.area.code: a for a in scheme.areas.select_related("area")}
    items = {i.code: i for i in scheme.items.all()}
    changes = {}
    for code, weight in area_weights.items():
        if code not in areas:
            raise ValueError(f"unknown area {code}")
        if weight is None or weight < 0:
            errors[code] = _("The weight of “%(area)s” must be zero or more.") % {
                "area": areas[code].area.name
            }
        elif areas[code].weight != weight:
            changes[f"area:{code}"] = [areas[code].weight, weight]
            areas[code].weight = weight
    for code, weight in (item_weights or {}).items():
        if code not in items:
            raise ValueError(f"unknown item {code}")
        if weight is None or weight < 0:
            errors[code] = _("The weight of item %(code)s must be zero or more.") % {"code": code}
        elif items[code].weight != weight:
            changes[f"item:{code}"] = [items[code].weight, weight]
            items[code].weight = weight
    if errors:
        raise ValidationError(errors)
    SchemeArea.objects.bulk_update(areas.values(), ["weight"])
    Item.objects.bulk_update(items.values(), ["weight"])
    scheme_recompute(scheme)
    if changes:
        audit_record(
            actor=actor, action="assessments.scheme.weights_changed", obj=scheme, changes=changes
        )
    return scheme


@transaction.atomic
def scheme_publish(*, actor: User | None, scheme: Scheme) -> Scheme:
    """Freeze a draft and put it in force. A province's version is filed with the national
    office by this very publication (its assessment standard), in the same transaction; the
    national office's answer comes later and never takes the version out of force."""
    scheme = _lock(scheme)
    _require_editable(scheme)
    problems = scheme_problems(scheme)
    if problems:
        raise ValidationError(problems)
    # The filed text is an official record: written in the portal's language, whatever the
    # language of the officer who publishes.
    with translation.override(settings.LANGUAGE_CODE):
        warnings = scheme_warnings(scheme)
        text = _filing_text(scheme) if scheme.derived_from_id else ""
    scheme_recompute(scheme)
    scheme.status = Scheme.Status.PUBLISHED
    scheme.published_at = timezone.now()
    update_fields = ["status", "published_at", "updated_at"]
    if scheme.derived_from_id:
        scheme.filing_version = filing_publication_record(
            actor=actor,
            authority=scheme.authority,
            kind=Filing.Kind.ASSESSMENT_STANDARD,
            title=scheme.name,
            text=text,
            source_url=reverse("assessments:scheme-detail", args=[scheme.pk]),
            warnings=warnings,
        )
        update_fields.append("filing_version")
    scheme.save(update_fields=update_fields)
    audit_record(
        actor=actor,
        action="assessments.scheme.published",
        obj=scheme,
        changes={
            "version": scheme.version,
            "filing_version": scheme.filing_version.number if scheme.filing_version else None,
            "warnings": warnings,
        },
    )
    return scheme


def _filing_text(scheme: Scheme) -> str:
    """The filed text of a province's version: what it is and its area weights beside the
    template's, so the national office reads the essentials without opening the scheme."""
    template = cast(Scheme, scheme.derived_from)
    reference = dict(template.areas.values_list("area__code", "weight"))
    lines = [
        _("%(name)s, version %(version)s, derived from %(template)s version %(tv)s.")
        % {
            "name": scheme.name,
            "version": scheme.version,
            "template": template.name,
            "tv": template.version,
        },
        _("Pass mark %(pass)s of %(base)s base points; bonus cap %(cap)s.")
        % {"pass": scheme.pass_mark, "base": scheme.base_points, "cap": scheme.bonus_cap},
        _("Area weights (the template's in brackets):"),
    ]
    for code, name, weight in scheme.areas.order_by("area__order").values_list(
        "area__code", "area__name", "weight"
    ):
        lines.append(f"{name}: {weight} ({reference.get(code, '—')})")
    return "\n".join(lines)


TREE_ITEM_FIELDS = (
    "area",
    "indicator",
    "code",
    "text",
    "kind",
    "max_points",
    "weight",
    "method",
    "deduction_rule",
)


@transaction.atomic
def scheme_tree_replace(
    *,
    actor: User | None,
    scheme: Scheme,
    area_weights: Mapping[str, Decimal],
    items: Sequence[Mapping[str, Any]],
    vetoes: Sequence[Mapping[str, Any]],
    settings: Mapping[str, Any] | None = None,
) -> Scheme:
    """Replace a draft's whole tree, all or nothing (a spreadsheet import).

    `area_weights` is {area code: weight} (areas not named keep their weight); `items` a list of
    dicts with TREE_ITEM_FIELDS, in order (indicators are grouped by area and name in the order
    they first appear); `vetoes` a list of dicts with code, text and lookback_months; `settings`
    optional {setting: value} from SETTINGS_FIELDS.
    """
    scheme = _lock(scheme)
    _require_editable(scheme)
    areas = {a.area.code: a for a in scheme.areas.select_related("area")}
    unknown = (set(area_weights) | {row["area"] for row in items}) - set(areas)
    if unknown:
        raise ValidationError(
            _("Unknown construction areas: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    codes = [row["code"] for row in items]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each item code may appear only once."))
    veto_codes = [row["code"] for row in vetoes]
    if len(set(veto_codes)) != len(veto_codes):
        raise ValidationError(_("Each veto condition code may appear only once."))
    if _tree_in_use(scheme):
        raise ValidationError(
            _("Scores or self-assessments point at this version's items; it cannot be replaced.")
        )
    before = {
        "items": scheme.items.count(),
        "vetoes": scheme.vetoes.count(),
    }
    changes: dict[str, Any] = {}
    for name, value in (settings or {}).items():
        if name not in SETTINGS_FIELDS:
            raise ValueError(f"{name} is not a scheme setting")
        if getattr(scheme, name) != value:
            changes[name] = [getattr(scheme, name), value]
            setattr(scheme, name, value)
    if changes:
        scheme.full_clean()
        scheme.save(update_fields=[*changes, "updated_at"])
    for code, weight in area_weights.items():
        if areas[code].weight != weight:
            changes[f"area:{code}"] = [areas[code].weight, weight]
            areas[code].weight = weight
    SchemeArea.objects.bulk_update(areas.values(), ["weight"])
    Indicator.objects.filter(scheme_area__scheme=scheme).delete()  # cascades to the items
    scheme.vetoes.all().delete()
    indicators: dict[tuple[str, str], Indicator] = {}
    new_items = []
    per_indicator: dict[tuple[str, str], int] = {}
    for row in items:
        key = (row["area"], row["indicator"])
        if key not in indicators:
            area = areas[row["area"]]
            order = 1 + sum(1 for a, _name in indicators if a == row["area"])
            indicators[key] = Indicator(scheme_area=area, order=order, name=row["indicator"])
        per_indicator[key] = per_indicator.get(key, 0) + 1
        new_items.append((key, per_indicator[key], row))
    Indicator.objects.bulk_create(indicators.values())
    Item.objects.bulk_create(
        Item(
            scheme=scheme,
            indicator=indicators[key],
            order=order,
            code=row["code"],
            text=row["text"],
            kind=row["kind"],
            max_points=row["max_points"],
            weight=row["weight"],
            method=row["method"],
            deduction_rule=row.get("deduction_rule", ""),
        )
        for key, order, row in new_items
    )
    VetoCondition.objects.bulk_create(
        VetoCondition(
            scheme=scheme,
            code=row["code"],
            order=i,
            text=row["text"],
            lookback_months=row["lookback_months"],
        )
        for i, row in enumerate(vetoes, start=1)
    )
    scheme_recompute(scheme)
    changes |= {
        "items": [before["items"], len(new_items)],
        "vetoes": [before["vetoes"], len(vetoes)],
        "indicators": len(indicators),
    }
    audit_record(
        actor=actor, action="assessments.scheme.tree_replaced", obj=scheme, changes=changes
    )
    return scheme


def _tree_in_use(scheme: Scheme) -> bool:
    return (
        Score.objects.filter(item__scheme=scheme).exists()
        or SelfAssessment.objects.filter(item__scheme=scheme).exists()
    )
