"""Assessment schemes: the list with the filing overview, a version's tree, weights, the
workbook out and in, and the transitions (new version, derive, publish). A province's
publication is its filing (备案); the national office answers it on the filing's page.

Every screen fetches the scheme through `access_scheme` (404 when out of scope, 403 when
visible but not the user's to change), every write goes through `assessments.services.schemes`,
and the templates get everything they show from here.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import (
    access_scheme,
    access_scheme_to_change,
    changes_scheme,
    own_provinces,
)
from assessments.forms.schemes import SchemeImportForm, SchemeWeightsForm
from assessments.models import Indicator, Item, Scheme
from assessments.selectors import scheme_list_for
from assessments.services import schemes as services
from assessments.spreadsheets import parse_scheme_workbook, scheme_workbook
from campaigns.access import is_national_office
from campaigns.models import Authority, FilingVersion
from campaigns.scope import scope_for
from civport.audit import audit_export
from civport.forms import apply_service_errors
from civport.imports import ImportFileError
from civport.spreadsheets import XLSX_CONTENT_TYPE
from civport.viewbases import refusal_messages

CENT = Decimal("0.01")


def scheme_actions(user, scheme, versions):
    """What the user may do with this version now (the buttons on its page)."""
    scope = scope_for(user)
    manages = changes_scheme(scope, scheme)
    editable = manages and services.scheme_is_editable(scheme)
    national = is_national_office(scope)
    has_draft = any(v.status == Scheme.Status.DRAFT for v in versions)
    filing = scheme.filing_version
    return {
        "edit": editable,
        "publish": editable,
        "answer": filing is not None
        and national
        and filing.outcome == FilingVersion.Outcome.PENDING
        and filing.number == filing.filing.version_count,
        "new_version": manages and scheme.is_published and not has_draft,
        "derive": scheme.is_template and scheme.is_published and bool(own_provinces(scope)),
    }


def _detail(scheme):
    return redirect("assessments:scheme-detail", pk=scheme.pk)


def _trail(scheme=None):
    """Breadcrumbs below Home: the list, and the version when a page works on one."""
    trail = [{"name": _("Assessment schemes"), "url": reverse("assessments:scheme-list")}]
    if scheme is not None:
        trail.append(
            {
                "name": f"{scheme.name} v{scheme.version}",
                "url": reverse("assessments:scheme-detail", args=[scheme.pk]),
            }
        )
    return trail


# --- the list -------------------------------------------------------------------------------


FILING_STATES = ("pending", "acknowledged", "returned", "not_filed")


def filing_overview():
    """One row per province with its latest derived version and its version in force (the
    latest published, which is its filing) with the national office's answer, in one query."""
    derived = Scheme.objects.filter(authority=OuterRef("pk"), derived_from__isnull=False)
    latest = derived.order_by("-created_at", "-pk")
    in_force = derived.filter(status=Scheme.Status.PUBLISHED).order_by("-published_at", "-pk")
    rows = list(
        Authority.objects.filter(level=Authority.Level.PROVINCIAL)
        .annotate(
            scheme_id=Subquery(latest.values("pk")[:1]),
            scheme_name=Subquery(latest.values("name")[:1]),
            scheme_version=Subquery(latest.values("version")[:1]),
            in_force_id=Subquery(in_force.values("pk")[:1]),
            in_force_version=Subquery(in_force.values("version")[:1]),
            in_force_at=Subquery(in_force.values("published_at")[:1]),
            in_force_filing=Subquery(in_force.values("filing_version__outcome")[:1]),
            in_force_filing_id=Subquery(in_force.values("filing_version__filing_id")[:1]),
        )
        .order_by("code")
    )
    labels = dict(FilingVersion.Outcome.choices) | {"not_filed": _("not filed")}
    counts = dict.fromkeys(FILING_STATES, 0)
    for row in rows:
        row.state = row.in_force_filing or "not_filed"
        row.state_label = labels[row.state]
        counts[row.state] += 1
    return rows, counts


def scheme_list(request):
    scope = scope_for(request.user)
    schemes = list(
        scheme_list_for(request.user).order_by(
            "-is_template", "authority__path", "family", "-version"
        )
    )
    context = {
        "templates": [s for s in schemes if s.is_template],
        "versions": [s for s in schemes if not s.is_template],
        "is_national_office": is_national_office(scope),
    }
    if scope.is_national:
        context["overview"], context["overview_counts"] = filing_overview()
    return render(request, "assessments/schemes/list.html", context)


# --- one version ----------------------------------------------------------------------------


def scheme_tree(scheme):
    """Areas → indicators → standard items, with each area's and item's share of the base,
    plus the bonus items: three queries."""
    areas = list(scheme.areas.select_related("area"))
    indicators = list(
        Indicator.objects.filter(scheme_area__scheme=scheme).order_by(
            "scheme_area__area__order", "order", "pk"
        )
    )
    items = list(Item.objects.filter(scheme=scheme).order_by("indicator_id", "order", "pk"))
    total = sum((a.weight for a in areas), Decimal(0))
    by_indicator = {}
    bonus = []
    for item in items:
        if item.kind == Item.Kind.BONUS:
            bonus.append(item)
            continue
        item.share = (item.coefficient * item.max_points).quantize(CENT)
        by_indicator.setdefault(item.indicator_id, []).append(item)
    by_area = {}
    for indicator in indicators:
        indicator.standard_items = by_indicator.get(indicator.pk, [])
        if indicator.standard_items:
            by_area.setdefault(indicator.scheme_area_id, []).append(indicator)
    tree = []
    for area in areas:
        share = scheme.base_points * area.weight / total if total else Decimal(0)
        area.share = share.quantize(CENT)
        area.tree_indicators = by_area.get(area.pk, [])
        area.points = sum(
            (i.max_points for ind in area.tree_indicators for i in ind.standard_items), Decimal(0)
        )
        tree.append(area)
    order = {ind.pk: n for n, ind in enumerate(indicators)}
    bonus.sort(key=lambda i: (order.get(i.indicator_id, 0), i.order, i.pk))
    return tree, bonus, len(items) - len(bonus)


def scheme_detail(request, pk):
    scheme = access_scheme(request.user, pk)
    tree, bonus, standard_count = scheme_tree(scheme)
    versions = list(scheme_list_for(request.user).filter(family=scheme.family).order_by("-version"))
    derivatives = (
        list(scheme_list_for(request.user).filter(derived_from=scheme).order_by("authority__code"))
        if scheme.is_template
        else []
    )
    scope = scope_for(request.user)
    actions = scheme_actions(request.user, scheme, versions)
    context = {
        "scheme": scheme,
        # Weights outside the template's tolerance: the province sees them before and after
        # publishing, the national office when it reads the version (and on the filing).
        "warnings": services.scheme_warnings(scheme),
        "tree": tree,
        "bonus": bonus,
        "standard_count": standard_count,
        "vetoes": list(scheme.vetoes.all()),
        "versions": versions,
        "derivatives": derivatives,
        "actions": actions,
        "provinces": own_provinces(scope) if actions["derive"] else [],
        "extra_trail": _trail(),
    }
    return render(request, "assessments/schemes/detail.html", context)


# --- weights --------------------------------------------------------------------------------


def _editable_or_redirect(request, scheme):
    if services.scheme_is_editable(scheme):
        return None
    messages.error(
        request, _("This version is published and frozen; make a new version to change it.")
    )
    return _detail(scheme)


def scheme_weights(request, pk):
    scheme = access_scheme_to_change(request.user, pk)
    refused = _editable_or_redirect(request, scheme)
    if refused:
        return refused
    areas = list(scheme.areas.select_related("area"))
    items = list(
        Item.objects.filter(scheme=scheme, kind=Item.Kind.STANDARD)
        .select_related("indicator__scheme_area__area")
        .order_by("indicator__scheme_area__area__order", "indicator__order", "order", "pk")
    )
    area_ranges, item_ranges = services.weight_ranges(scheme)
    form = SchemeWeightsForm(
        request.POST or None,
        areas=areas,
        items=items,
        area_ranges=area_ranges,
        item_ranges=item_ranges,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_weights_update(actor=request.user, scheme=scheme, **form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error, field_map=form.field_map())
        else:
            messages.success(request, _("The weights were saved."))
            _warn(request, scheme)
            return _detail(scheme)
    context = {
        "scheme": scheme,
        "form": form,
        "tolerance": scheme.derived_from.weight_tolerance if scheme.derived_from_id else None,
        "extra_trail": _trail(scheme),
    }
    return render(request, "assessments/schemes/weights.html", context)


# --- the workbook ---------------------------------------------------------------------------


def scheme_export(request, pk):
    scheme = access_scheme(request.user, pk)
    response = HttpResponse(scheme_workbook(scheme), content_type=XLSX_CONTENT_TYPE)
    audit_export(actor=request.user, action="assessments.scheme.exported", obj=scheme, fmt="xlsx")
    response["Content-Disposition"] = (
        f'attachment; filename="scheme-{scheme.family}-v{scheme.version}.xlsx"'
    )
    return response


def scheme_import(request, pk):
    scheme = access_scheme_to_change(request.user, pk)
    refused = _editable_or_redirect(request, scheme)
    if refused:
        return refused
    form = SchemeImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            parsed = parse_scheme_workbook(form.data_bytes, form.cleaned_data["file"].name)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            row_errors = parsed.errors
            if parsed.ok:
                try:
                    services.scheme_tree_replace(
                        actor=request.user,
                        scheme=scheme,
                        area_weights=parsed.area_weights,
                        items=parsed.items,
                        vetoes=parsed.vetoes,
                        settings=parsed.settings,
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(
                        request,
                        _(
                            "The scheme was replaced from the workbook: %(items)d scoring items, "
                            "%(vetoes)d veto conditions."
                        )
                        % {"items": len(parsed.items), "vetoes": len(parsed.vetoes)},
                    )
                    return _detail(scheme)
    context = {
        "scheme": scheme,
        "form": form,
        "row_errors": row_errors,
        "extra_trail": _trail(scheme),
    }
    return render(request, "assessments/schemes/import.html", context)


# --- transitions ----------------------------------------------------------------------------


@require_POST
def scheme_new_version(request, pk):
    scheme = access_scheme_to_change(request.user, pk)
    try:
        draft = services.scheme_new_version(actor=request.user, scheme=scheme)
    except ValidationError as error:
        refusal_messages(request, error)
        return _detail(scheme)
    messages.success(
        request,
        _("Version %(version)s was created as a draft from version %(source)s.")
        % {"version": draft.version, "source": scheme.version},
    )
    return _detail(draft)


@require_POST
def scheme_derive(request, pk):
    template = access_scheme(request.user, pk)
    provinces = own_provinces(scope_for(request.user))
    if not provinces:
        raise PermissionDenied
    chosen = request.POST.get("authority")
    grant = next((g for g in provinces if str(g.object_id) == chosen), None)
    if grant is None:
        if len(provinces) > 1:
            messages.error(request, _("Choose the province to derive the scheme for."))
            return _detail(template)
        grant = provinces[0]
    authority = Authority.objects.get(pk=grant.object_id)
    try:
        scheme = services.scheme_derive(actor=request.user, template=template, authority=authority)
    except ValidationError as error:
        refusal_messages(request, error)
        return _detail(template)
    messages.success(
        request,
        _("Your province's version was created as a draft; adjust the weights and publish it."),
    )
    return _detail(scheme)


def _warn(request, scheme):
    for warning in services.scheme_warnings(scheme):
        messages.warning(request, warning)


@require_POST
def scheme_publish(request, pk):
    scheme = access_scheme_to_change(request.user, pk)
    try:
        scheme = services.scheme_publish(actor=request.user, scheme=scheme)
    except ValidationError as error:
        refusal_messages(request, error)
        return _detail(scheme)
    if scheme.derived_from_id:
        messages.success(
            request,
            _(
                "Version %(version)s was published and is in force; it was filed with the "
                "national office for the record."
            )
            % {"version": scheme.version},
        )
        _warn(request, scheme)
    else:
        messages.success(request, _("The version was published; it is now frozen."))
    return _detail(scheme)


urlpatterns = [
    path("schemes/", scheme_list, name="scheme-list"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/export/", scheme_export, name="scheme-export"),
    path("schemes/<int:pk>/import/", scheme_import, name="scheme-import"),
    path("schemes/<int:pk>/new-version/", scheme_new_version, name="scheme-new-version"),
    path("schemes/<int:pk>/derive/", scheme_derive, name="scheme-derive"),
    path("schemes/<int:pk>/weights/", scheme_weights, name="scheme-weights"),
    path("schemes/<int:pk>/publish/", scheme_publish, name="scheme-publish"),
]
