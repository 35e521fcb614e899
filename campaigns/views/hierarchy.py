"""Screens of the hierarchy: authorities, ports, units, people.

Every screen starts from the user's scope: single objects come through the access helpers (404
when out of scope, 403 when visible but not editable), lists through the scoped selectors, and
forms receive the choices the user may use. Writes go through `campaigns.services`.
Everything a template shows is read here; templates run no queries.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.access import access_authority, access_person, access_port, access_unit
from campaigns.filters import AuthorityFilter, PersonFilter, PortFilter, UnitFilter
from campaigns.forms import (
    AuthorityCreateForm,
    AuthorityEditForm,
    PersonForm,
    PortForm,
    UnitForm,
    apply_service_errors,
    style_widgets,
)
from campaigns.models import PATH_SEPARATOR, Authority, Person, Port, Unit
from campaigns.scope import scope_for
from campaigns.selectors import (
    agency_list_current,
    authority_list_for,
    below,
    person_list_for,
    port_list_for,
    unit_list_for,
)

AUTHORITY_TABS = ("children", "ports", "units", "people")


# --- helpers ----------------------------------------------------------------------------------


def _count(queryset):
    """A scalar subquery counting `queryset`'s rows (0 when it has none)."""
    counted = queryset.order_by().values(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _paginate(request, queryset):
    """The requested page with its rows read, the query string to keep in page links (the
    filters), and whether any filter is set."""
    page = Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page": page,
        "querystring": params.urlencode(),
        "is_filtered": any(v for k, v in request.GET.items() if k not in ("page", "tab")),
    }


def _trail(scope, authority, *, include_self=True):
    """Breadcrumbs from the national office down to `authority`, read with at most one query.
    Authorities outside the user's scope are named but not linked."""
    parts = authority.path.split(PATH_SEPARATOR)[:-1]
    paths = [PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]
    known = {authority.path: authority}
    if Authority.parent.is_cached(authority) and authority.parent is not None:
        known[authority.parent.path] = authority.parent
    missing = [p for p in paths if p not in known]
    if missing:
        for row in Authority.objects.filter(path__in=missing).only("pk", "name", "path"):
            known[row.path] = row
    if not include_self:
        paths = paths[:-1]
    return [
        {
            "name": known[p].name,
            "url": reverse("campaigns:authority-detail", args=[known[p].pk])
            if scope.sees_path(p)
            else None,
        }
        for p in paths
        if p in known
    ]


def _filtered(filter_class, request, queryset, **kwargs):
    filterset = filter_class(request.GET or None, queryset=queryset, **kwargs)
    style_widgets(filterset.form)
    return filterset


def _unit_filter_choices(ports):
    return {
        "agency_choices": list(agency_list_current().values_list("pk", "name")),
        "port_choices": list(ports.order_by("name").values_list("pk", "name")),
    }


def _editable_port_owners(user):
    return authority_list_for(user, edit=True).filter(level__in=services.PORT_OWNER_LEVELS)


def _editable_unit_owners(user):
    return authority_list_for(user, edit=True).exclude(level=Authority.Level.NATIONAL)


def _units_for_people_edit(user):
    """Units whose people the user may add or change: the units of their editable area, and a
    unit contact's own unit with its sub-units."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Unit.objects.order_by("code")
    q = scope.unit_q(edit=True)
    if scope.edit_unit_ids:
        q |= Q(pk__in=scope.edit_unit_ids) | Q(parent_id__in=scope.edit_unit_ids)
    return Unit.objects.filter(q).order_by("code")


def _initial(request, *names):
    return {name: request.GET[name] for name in names if request.GET.get(name)}


def _save(request, form, write, *, field_map=None):
    """Run the service on a valid form; on its ValidationError, put the errors on the fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.service_data())
    except ValidationError as error:
        apply_service_errors(form, error, field_map=field_map)
        style_widgets(form)
        return None


# --- home -------------------------------------------------------------------------------------


def home(request):
    scope = scope_for(request.user)
    authority_cards, unit_cards = [], []
    authority_ids = [g.object_id for g in scope.authority_grants()]
    if authority_ids or scope.is_superuser:
        roots = (
            Authority.objects.filter(level=Authority.Level.NATIONAL)
            if scope.is_superuser
            else Authority.objects.filter(pk__in=authority_ids)
        )
        authority_cards = list(
            roots.select_related("parent")
            .annotate(
                n_children=_count(
                    Authority.objects.filter(path__startswith=OuterRef("path")).exclude(
                        pk=OuterRef("pk")
                    )
                ),
                n_ports=_count(Port.objects.filter(authority__path__startswith=OuterRef("path"))),
                n_units=_count(Unit.objects.filter(authority__path__startswith=OuterRef("path"))),
                n_people=_count(
                    Person.objects.filter(unit__authority__path__startswith=OuterRef("path"))
                ),
            )
            .order_by("path")
        )
    unit_ids = [g.object_id for g in scope.unit_grants()]
    if unit_ids:
        unit_cards = list(
            Unit.objects.filter(pk__in=unit_ids)
            .select_related("authority", "port")
            .annotate(
                n_people=_count(
                    Person.objects.filter(
                        Q(unit_id=OuterRef("pk")) | Q(unit__parent_id=OuterRef("pk"))
                    )
                ),
                n_sub_units=_count(Unit.objects.filter(parent_id=OuterRef("pk"))),
            )
            .order_by("code")
        )
    for card in authority_cards:
        card.can_edit = scope.edits_path(card.path)
    return render(
        request,
        "campaigns/home.html",
        {
            "scope": scope,
            "authority_cards": authority_cards,
            "unit_cards": unit_cards,
        },
    )


# --- authorities ------------------------------------------------------------------------------


def _below_authority(user, authority):
    return {
        "children": below(authority_list_for(user), authority, lookup="path").exclude(
            pk=authority.pk
        ),
        "ports": below(port_list_for(user), authority, lookup="authority__path"),
        "units": below(unit_list_for(user), authority, lookup="authority__path"),
        "people": below(person_list_for(user), authority, lookup="unit__authority__path"),
    }


def authority_detail(request, pk):
    user = request.user
    scope = scope_for(user)
    authority = access_authority(user, pk)
    tab = request.GET.get("tab")
    if tab not in AUTHORITY_TABS:
        tab = "children"
    querysets = _below_authority(user, authority)
    header = (
        Authority.objects.filter(pk=authority.pk)
        .values(
            leading_group_name=F("leading_group__name"),
            **{f"n_{name}": _count(qs) for name, qs in querysets.items()},
        )
        .get()
    )
    if tab == "children":
        filterset = _filtered(AuthorityFilter, request, querysets["children"])
    elif tab == "ports":
        filterset = _filtered(PortFilter, request, querysets["ports"])
    elif tab == "units":
        filterset = _filtered(
            UnitFilter,
            request,
            querysets["units"],
            **_unit_filter_choices(querysets["ports"]),
        )
    else:
        filterset = _filtered(PersonFilter, request, querysets["people"])
    listing = _paginate(request, filterset.qs)
    edits_here = scope.edits_path(authority.path)
    tabs = [
        {"name": "children", "label": _("Authorities below"), "count": header["n_children"]},
        {"name": "ports", "label": _("Ports"), "count": header["n_ports"]},
        {"name": "units", "label": _("Participating units"), "count": header["n_units"]},
        {"name": "people", "label": _("People"), "count": header["n_people"]},
    ]
    return render(
        request,
        "campaigns/authority_detail.html",
        {
            "authority": authority,
            "trail": _trail(scope, authority, include_self=False),
            "leading_group_name": header["leading_group_name"],
            "tabs": tabs,
            "tab": tab,
            "filterset": filterset,
            **listing,
            "can_edit": scope.edits_below(authority.path),
            "can_add_child": edits_here and bool(services.CHILD_LEVELS[authority.level]),
            "can_add": edits_here,
            "can_add_port": edits_here and authority.level in services.PORT_OWNER_LEVELS,
            "can_add_unit": edits_here and authority.level != Authority.Level.NATIONAL,
            "can_import": scope.can_import,
        },
    )


def authority_create(request, parent_pk):
    user = request.user
    scope = scope_for(user)
    parent = access_authority(user, parent_pk)
    if not scope.edits_path(parent.path) or not services.CHILD_LEVELS[parent.level]:
        raise PermissionDenied
    form = AuthorityCreateForm(request.POST or None, parent=parent)
    created = _save(
        request,
        form,
        lambda data: services.authority_create(actor=user, parent=parent, **data),
    )
    if created:
        messages.success(request, _("The authority %(name)s was created.") % {"name": created})
        return redirect("campaigns:authority-detail", pk=created.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("New authority below %(parent)s") % {"parent": parent.name},
            "trail": _trail(scope, parent),
            "cancel_url": reverse("campaigns:authority-detail", args=[parent.pk]),
        },
    )


def authority_edit(request, pk):
    user = request.user
    scope = scope_for(user)
    authority = access_authority(user, pk, edit=True)
    form = AuthorityEditForm(request.POST or None, instance=authority)
    saved = _save(
        request,
        form,
        lambda data: services.authority_update(actor=user, authority=authority, **data),
    )
    if saved:
        messages.success(request, _("The authority %(name)s was saved.") % {"name": saved})
        return redirect("campaigns:authority-detail", pk=saved.pk)
    if request.method == "POST":
        authority.refresh_from_db()
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": authority.name},
            "trail": _trail(scope, authority),
            "cancel_url": reverse("campaigns:authority-detail", args=[authority.pk]),
        },
    )


# --- ports ------------------------------------------------------------------------------------


def port_list(request):
    scope = scope_for(request.user)
    filterset = _filtered(PortFilter, request, port_list_for(request.user))
    listing = _paginate(request, filterset.qs)
    return render(
        request,
        "campaigns/port_list.html",
        {
            "filterset": filterset,
            **listing,
            "can_add": bool(scope.is_superuser or scope.edit_paths),
            "can_import": scope.can_import,
        },
    )


def port_detail(request, pk):
    scope = scope_for(request.user)
    port = access_port(request.user, pk)
    listing = _paginate(request, unit_list_for(request.user).filter(port=port))
    return render(
        request,
        "campaigns/port_detail.html",
        {
            "port": port,
            "trail": _trail(scope, port.authority),
            **listing,
            "can_edit": scope.edits_path(port.authority.path),
        },
    )


def port_create(request):
    user = request.user
    scope = scope_for(user)
    if not (scope.is_superuser or scope.edit_paths):
        raise PermissionDenied
    form = PortForm(
        request.POST or None,
        initial=_initial(request, "authority"),
        authorities=_editable_port_owners(user),
    )
    created = _save(
        request,
        form,
        lambda data: services.port_create(actor=user, **data),
        field_map={"seasonal_months": "months"},
    )
    if created:
        messages.success(request, _("The port %(name)s was created.") % {"name": created})
        return redirect("campaigns:port-detail", pk=created.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": _("New port"), "cancel_url": reverse("campaigns:port-list")},
    )


def port_edit(request, pk):
    user = request.user
    scope = scope_for(user)
    port = access_port(user, pk, edit=True)
    form = PortForm(request.POST or None, instance=port, authorities=_editable_port_owners(user))
    saved = _save(
        request,
        form,
        lambda data: services.port_update(actor=user, port=port, **data),
        field_map={"seasonal_months": "months"},
    )
    if saved:
        messages.success(request, _("The port %(name)s was saved.") % {"name": saved})
        return redirect("campaigns:port-detail", pk=saved.pk)
    if request.method == "POST":
        port = access_port(user, pk, edit=True)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": port.name},
            "trail": _trail(scope, port.authority),
            "cancel_url": reverse("campaigns:port-detail", args=[port.pk]),
        },
    )


# --- units ------------------------------------------------------------------------------------


def unit_list(request):
    user = request.user
    scope = scope_for(user)
    filterset = _filtered(
        UnitFilter, request, unit_list_for(user), **_unit_filter_choices(port_list_for(user))
    )
    listing = _paginate(request, filterset.qs)
    return render(
        request,
        "campaigns/unit_list.html",
        {
            "filterset": filterset,
            **listing,
            "can_add": bool(scope.is_superuser or scope.edit_paths),
            "can_import": scope.can_import,
        },
    )


def unit_detail(request, pk):
    user = request.user
    scope = scope_for(user)
    unit = access_unit(user, pk)
    sub_units = list(unit_list_for(user).filter(parent=unit))
    listing = _paginate(request, person_list_for(user).filter(unit=unit))
    return render(
        request,
        "campaigns/unit_detail.html",
        {
            "unit": unit,
            "trail": _trail(scope, unit.authority),
            "sub_units": sub_units,
            **listing,
            "can_edit": scope.edits_path(unit.authority.path),
            "can_edit_people": scope.unit_allows_people_edit(unit),
        },
    )


def _unit_form(request, user, instance=None, initial=None):
    return UnitForm(
        request.POST or None,
        instance=instance,
        initial=initial,
        authorities=_editable_unit_owners(user),
        ports=port_list_for(user),
        parents=unit_list_for(user, edit=True),
        agencies=agency_list_current(),
    )


def unit_create(request):
    user = request.user
    scope = scope_for(user)
    if not (scope.is_superuser or scope.edit_paths):
        raise PermissionDenied
    form = _unit_form(request, user, initial=_initial(request, "authority", "port", "parent"))
    created = _save(request, form, lambda data: services.unit_create(actor=user, **data))
    if created:
        messages.success(request, _("The unit %(name)s was created.") % {"name": created})
        return redirect("campaigns:unit-detail", pk=created.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("New participating unit"),
            "cancel_url": reverse("campaigns:unit-list"),
        },
    )


def unit_edit(request, pk):
    user = request.user
    scope = scope_for(user)
    unit = access_unit(user, pk, edit=True)
    form = _unit_form(request, user, instance=unit)
    saved = _save(request, form, lambda data: services.unit_update(actor=user, unit=unit, **data))
    if saved:
        messages.success(request, _("The unit %(name)s was saved.") % {"name": saved})
        return redirect("campaigns:unit-detail", pk=saved.pk)
    if request.method == "POST":
        unit = access_unit(user, pk, edit=True)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": unit.name},
            "trail": _trail(scope, unit.authority),
            "cancel_url": reverse("campaigns:unit-detail", args=[unit.pk]),
        },
    )


# --- people -----------------------------------------------------------------------------------


def person_list(request):
    scope = scope_for(request.user)
    filterset = _filtered(PersonFilter, request, person_list_for(request.user))
    listing = _paginate(request, filterset.qs)
    return render(
        request,
        "campaigns/person_list.html",
        {
            "filterset": filterset,
            **listing,
            "can_add": bool(scope.is_superuser or scope.edit_paths or scope.edit_unit_ids),
            "can_import": scope.can_import,
        },
    )


def person_detail(request, pk):
    scope = scope_for(request.user)
    person = access_person(request.user, pk)
    return render(
        request,
        "campaigns/person_detail.html",
        {
            "person": person,
            "trail": _trail(scope, person.unit.authority),
            "can_edit": scope.unit_allows_people_edit(person.unit),
        },
    )


def person_create(request):
    user = request.user
    scope = scope_for(user)
    if not (scope.is_superuser or scope.edit_paths or scope.edit_unit_ids):
        raise PermissionDenied
    form = PersonForm(
        request.POST or None,
        initial=_initial(request, "unit"),
        units=_units_for_people_edit(user),
    )
    created = _save(request, form, lambda data: services.person_create(actor=user, **data))
    if created:
        messages.success(request, _("%(name)s was added.") % {"name": created})
        return redirect("campaigns:person-detail", pk=created.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": _("New person"), "cancel_url": reverse("campaigns:person-list")},
    )


def person_edit(request, pk):
    user = request.user
    scope = scope_for(user)
    person = access_person(user, pk, edit=True)
    form = PersonForm(request.POST or None, instance=person, units=_units_for_people_edit(user))
    saved = _save(
        request, form, lambda data: services.person_update(actor=user, person=person, **data)
    )
    if saved:
        messages.success(request, _("%(name)s was saved.") % {"name": saved})
        return redirect("campaigns:person-detail", pk=saved.pk)
    if request.method == "POST":
        person = access_person(user, pk, edit=True)
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": person.name},
            "trail": _trail(scope, person.unit.authority),
            "cancel_url": reverse("campaigns:person-detail", args=[person.pk]),
        },
    )
