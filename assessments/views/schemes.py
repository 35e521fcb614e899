"""Assessment schemes: the list with the filing overview, a version's tree, weights, the
workbook out and in, and the transitions (new version, derive, publish, file, acknowledge,
return).

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
    access_scheme_to_answer,
    access_scheme_to_change,
    changes_scheme,
    own_provinces,
)
from assessments.forms.schemes import (
    FilingAcknowledgeForm,
    FilingReturnForm,
    SchemeImportForm,
    SchemeWeightsForm,
)
from assessments.models import Indicator, Item, Scheme
from assessments.selectors import scheme_list_for
from assessments.services import schemes as services
from assessments.spreadsheets import parse_scheme_workbook, scheme_workbook
from campaigns.access import is_national_office
from campaigns.models import Authority
from campaigns.scope import scope_for
from civport.forms import apply_service_errors
from civport.imports import ImportFileError
from civport.spreadsheets import XLSX_CONTENT_TYPE
from civport.viewbases import refusal_messages, transition_response

CENT = Decimal("0.01")


def scheme_actions(user, scheme, versions):
    """What the user may do with this version now (the buttons on its page)."""
    scope = scope_for(user)
    manages = changes_scheme(scope, scheme)
    editable = manages and services.scheme_is_editable(scheme)
    national = is_national_office(scope)
    has_draft = any(v.status == Scheme.Status.DRAFT for v in versions)
    return {
        "edit": editable,
        "publish": editable and not scheme.derived_from_id,
        "file": editable and bool(scheme.derived_from_id),
        "answer": scheme.filing == Scheme.Filing.SUBMITTED and national,
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


FILING_STATES = ("submitted", "acknowledged", "returned", "not_filed")


def filing_overview():
    """One row per province with its latest derived version and its last acknowledged one,
    in one query."""
    derived = Scheme.objects.filter(authority=OuterRef("pk"), derived_from__isnull=False)
    latest = derived.order_by("-created_at", "-pk")
    acknowledged = derived.filter(filing=Scheme.Filing.ACKNOWLEDGED).order_by("-version")
    rows = list(
        Authority.objects.filter(level=Authority.Level.PROVINCIAL)
        .annotate(
            scheme_id=Subquery(latest.values("pk")[:1]),
            scheme_name=Subquery(latest.values("name")[:1]),
            scheme_version=Subquery(latest.values("version")[:1]),
            scheme_filing=Subquery(latest.values("filing")[:1]),
            scheme_filed_at=Subquery(latest.values("filed_at")[:1]),
            acknowledged_id=Subquery(acknowledged.values("pk")[:1]),
            acknowledged_version=Subquery(acknowledged.values("version")[:1]),
        )
        .order_by("code")
    )
    labels = dict(Scheme.Filing.choices)
    counts = dict.fromkeys(FILING_STATES, 0)
    for row in rows:
        row.state = row.scheme_filing or Scheme.Filing.NOT_FILED
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
    if scheme.is_published:
        messages.error(
            request, _("This version is published and frozen; make a new version to change it.")
        )
    else:
        messages.error(
            request, _("This version is filed with the national office; wait for its answer.")
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
        _("Your province's version was created as a draft; adjust the weights and file it."),
    )
    return _detail(scheme)


def _transition(request, pk, service, success, **kwargs):
    scheme = access_scheme_to_change(request.user, pk)
    return transition_response(
        request,
        lambda: service(actor=request.user, scheme=scheme, **kwargs),
        success,
        "assessments:scheme-detail",
        pk=scheme.pk,
    )


@require_POST
def scheme_publish(request, pk):
    return _transition(
        request, pk, services.scheme_publish, _("The version was published; it is now frozen.")
    )


@require_POST
def scheme_file(request, pk):
    return _transition(
        request,
        pk,
        services.scheme_file_submit,
        _("The version was filed with the national office."),
    )


@require_POST
def scheme_acknowledge(request, pk):
    scheme = access_scheme_to_answer(request.user, pk)
    form = FilingAcknowledgeForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return transition_response(
        request,
        lambda: services.scheme_file_acknowledge(
            actor=request.user, scheme=scheme, comment=comment
        ),
        _("The filing was acknowledged and the version published."),
        "assessments:scheme-detail",
        pk=scheme.pk,
    )


def scheme_return(request, pk):
    scheme = access_scheme_to_answer(request.user, pk)
    form = FilingReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_file_return(
                actor=request.user, scheme=scheme, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The filing was returned to the province with comments."))
            return _detail(scheme)
    context = {"scheme": scheme, "form": form, "extra_trail": _trail(scheme)}
    return render(request, "assessments/schemes/return.html", context)


urlpatterns = [
    path("schemes/", scheme_list, name="scheme-list"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/export/", scheme_export, name="scheme-export"),
    path("schemes/<int:pk>/import/", scheme_import, name="scheme-import"),
    path("schemes/<int:pk>/new-version/", scheme_new_version, name="scheme-new-version"),
    path("schemes/<int:pk>/derive/", scheme_derive, name="scheme-derive"),
    path("schemes/<int:pk>/weights/", scheme_weights, name="scheme-weights"),
    path("schemes/<int:pk>/publish/", scheme_publish, name="scheme-publish"),
    path("schemes/<int:pk>/file/", scheme_file, name="scheme-file"),
    path("schemes/<int:pk>/acknowledge/", scheme_acknowledge, name="scheme-acknowledge"),
    path("schemes/<int:pk>/return/", scheme_return, name="scheme-return"),
]
