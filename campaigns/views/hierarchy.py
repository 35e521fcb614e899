"""Screens of the hierarchy: authorities, ports, units, people.

Every screen starts from the user's scope: single objects come through the access helpers (404
when out of scope, 403 when visible but not editable), lists through the scoped selectors, and
forms receive the choices the user may use. Writes go through `campaigns.services`.
Everything a template shows is read here; templates run no queries.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import services
from campaigns.access import access_authority, access_person, access_port, access_unit
from campaigns.access.contacts import can_edit_authority_contact, can_edit_unit_contact
from campaigns.filters import AuthorityFilter, PersonFilter, PortFilter, UnitFilter
from campaigns.forms import (
    AuthorityCreateForm,
    AuthorityEditForm,
    PersonForm,
    PortForm,
    UnitForm,
    UnitOwnerChoiceForm,
)
from campaigns.models import PATH_SEPARATOR, Authority, Membership, Person, Port, Unit
from campaigns.scope import scope_for
from campaigns.selectors import (
    agency_list_current,
    authority_list_for,
    below,
    person_list_for,
    port_list_for,
    unit_list_for,
)
from campaigns.selectors.notices import notice_pending_for
from civport.adminroles import AUDIT, held_admin_roles
from civport.forms import apply_service_errors, style_widgets
from civport.listing import Column, active_label
from civport.queries import count_subquery, get_or_404
from civport.todo import todo_for
from civport.viewbases import ScopedListView, ScopedView, paginate_list

AUTHORITY_TABS = ("children", "ports", "units", "people")
# A person form lists at most about this many units; above it the user picks an authority first.
PERSON_UNIT_CHOICES_MAX = 200


# --- helpers ----------------------------------------------------------------------------------


def authority_trail(scope, authority, *, include_self=True):
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


def _unit_filter_choices(ports):
    return {
        "agency_choices": list(agency_list_current().values_list("pk", "name")),
        "port_choices": list(ports.order_by("name").values_list("pk", "name")),
    }


def _editable_port_owners(user):
    return authority_list_for(user, edit=True).filter(level__in=services.PORT_OWNER_LEVELS)


def _editable_unit_owners(user):
    return authority_list_for(user, edit=True).exclude(level=Authority.Level.NATIONAL)


def _owners_of_units(user):
    """The authorities the user edits that own at least one participating unit: the choices
    when a person's unit is picked authority by authority (a few hundred at most)."""
    return _editable_unit_owners(user).filter(Exists(Unit.objects.filter(authority=OuterRef("pk"))))


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


DETAIL_URL_NAMES = {
    Authority: "campaigns:authority-detail",
    Port: "campaigns:port-detail",
    Unit: "campaigns:unit-detail",
    Person: "campaigns:person-detail",
}


def _detail_url(obj):
    return reverse(DETAIL_URL_NAMES[type(obj)], args=[obj.pk])


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


# --- the bases --------------------------------------------------------------------------------


class HierarchyListView(ScopedListView):
    """A list of the hierarchy's records, with the add and import buttons the user may use."""

    def get_context_data(self, **context):
        return super().get_context_data(
            **context, can_add=self.can_add(), can_import=self.scope.can_import
        )

    def can_add(self):
        return bool(self.scope.is_superuser or self.scope.edit_paths)


class ScopedFormView(ScopedView):
    """Access helper → form (given its scope) → service → message → redirect."""

    form_class = None
    field_map = None
    instance = None

    def get_instance(self):
        """The object being changed (through its access helper), or None when creating."""
        return None

    def get_form_kwargs(self):
        return {}

    def write(self, data):
        raise NotImplementedError

    def success_message(self, obj):
        raise NotImplementedError

    def page_context(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.instance = self.get_instance()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self._respond(request)

    def post(self, request, *args, **kwargs):
        return self._respond(request)

    def _respond(self, request):
        kwargs = self.get_form_kwargs()
        if self.instance is not None:
            kwargs["instance"] = self.instance
        form = self.form_class(request.POST or None, **kwargs)
        saved = _save(request, form, self.write, field_map=self.field_map)
        if saved:
            messages.success(request, self.success_message(saved))
            return redirect(_detail_url(saved))
        if request.method == "POST" and self.instance is not None:
            # A refused service call may have changed the object in memory; show it as stored.
            self.instance = self.get_instance()
        return render(request, "campaigns/form.html", {"form": form, **self.page_context()})


# --- home -------------------------------------------------------------------------------------


class HomeView(ScopedView):
    """The user's name and roles, their to-do list (each app's part, civport.todo), then one
    card per grant with what lies below it."""

    def get(self, request):
        scope = self.scope
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
                    n_children=count_subquery(
                        Authority.objects.filter(path__startswith=OuterRef("path")).exclude(
                            pk=OuterRef("pk")
                        )
                    ),
                    n_ports=count_subquery(
                        Port.objects.filter(authority__path__startswith=OuterRef("path"))
                    ),
                    n_units=count_subquery(
                        Unit.objects.filter(authority__path__startswith=OuterRef("path"))
                    ),
                    n_people=count_subquery(
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
                    n_people=count_subquery(
                        Person.objects.filter(
                            Q(unit_id=OuterRef("pk")) | Q(unit__parent_id=OuterRef("pk"))
                        )
                    ),
                    n_sub_units=count_subquery(Unit.objects.filter(parent_id=OuterRef("pk"))),
                )
                .order_by("code")
            )
        for card in authority_cards:
            card.can_edit = scope.edits_path(card.path)
        memberships = list(
            Membership.objects.filter(user=self.user)
            .select_related("authority", "unit")
            .order_by("role", "pk")
        )
        today = timezone.localdate()
        admin_roles = [] if memberships else held_admin_roles(self.user)
        return render(
            request,
            "campaigns/home.html",
            {
                "scope": scope,
                "memberships": memberships,
                # The three administrators hold no campaign role; their work is in the admin.
                "admin_roles": admin_roles,
                "audits": AUDIT in admin_roles,
                "todo": todo_for(self.user, frozenset(m.role for m in memberships), today),
                "today": today,
                "authority_cards": authority_cards,
                "unit_cards": unit_cards,
                "pending_notices": notice_pending_for(self.user),
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


class AuthorityDetailView(ScopedView):
    """An authority with everything at or below it in the user's scope, one tab at a time."""

    def get(self, request, pk):
        authority = access_authority(self.user, pk)
        tab = request.GET.get("tab")
        if tab not in AUTHORITY_TABS:
            tab = "children"
        querysets = _below_authority(self.user, authority)
        header = (
            Authority.objects.filter(pk=authority.pk)
            .values(
                leading_group_name=F("leading_group__name"),
                **{f"n_{name}": count_subquery(qs) for name, qs in querysets.items()},
            )
            .get()
        )
        filter_class, filter_kwargs = {
            "children": (AuthorityFilter, {}),
            "ports": (PortFilter, {}),
            "units": (UnitFilter, None),
            "people": (PersonFilter, {}),
        }[tab]
        if filter_kwargs is None:
            filter_kwargs = _unit_filter_choices(querysets["ports"])
        filterset = filter_class(request.GET or None, queryset=querysets[tab], **filter_kwargs)
        scope = self.scope
        edits_here = scope.edits_path(authority.path)
        tabs = [
            {"name": "children", "label": _("Authorities below"), "count": header["n_children"]},
            {"name": "ports", "label": _("Ports"), "count": header["n_ports"]},
            {"name": "units", "label": _("Participating units"), "count": header["n_units"]},
            {"name": "people", "label": _("People"), "count": header["n_people"]},
        ]
        context = {
            "authority": authority,
            "trail": authority_trail(scope, authority, include_self=False),
            "leading_group_name": header["leading_group_name"],
            "tabs": tabs,
            "tab": tab,
            "filterset": filterset,
            **paginate_list(request, filterset.qs),
            "can_edit": scope.edits_below(authority.path),
            "can_edit_contact": can_edit_authority_contact(scope, authority),
            "can_add_child": edits_here and bool(services.CHILD_LEVELS[authority.level]),
            "can_add": edits_here,
            "can_add_port": edits_here and authority.level in services.PORT_OWNER_LEVELS,
            "can_add_unit": edits_here and authority.level != Authority.Level.NATIONAL,
            "can_import": scope.can_import,
        }
        return render(request, "campaigns/authority_detail.html", context)


class AuthorityCreateView(ScopedFormView):
    form_class = AuthorityCreateForm

    def dispatch(self, request, *args, **kwargs):
        self.parent = access_authority(self.user, kwargs["parent_pk"])
        # A new authority is created below the parent, so a grant at the parent suffices.
        if (
            not self.scope.edits_path(self.parent.path)
            or not services.CHILD_LEVELS[self.parent.level]
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"parent": self.parent}

    def write(self, data):
        return services.authority_create(actor=self.user, parent=self.parent, **data)

    def success_message(self, obj):
        return _("The authority %(name)s was created.") % {"name": obj}

    def page_context(self):
        return {
            "title": _("New authority below %(parent)s") % {"parent": self.parent.name},
            "trail": authority_trail(self.scope, self.parent),
            "cancel_url": _detail_url(self.parent),
        }


class AuthorityEditView(ScopedFormView):
    form_class = AuthorityEditForm

    def get_instance(self):
        return access_authority(self.user, self.kwargs["pk"], edit=True)

    def write(self, data):
        return services.authority_update(actor=self.user, authority=self.instance, **data)

    def success_message(self, obj):
        return _("The authority %(name)s was saved.") % {"name": obj}

    def page_context(self):
        return {
            "title": _("Edit %(name)s") % {"name": self.instance.name},
            "trail": authority_trail(self.scope, self.instance),
            "cancel_url": _detail_url(self.instance),
        }


# --- ports ------------------------------------------------------------------------------------


class PortListView(HierarchyListView):
    template_name = "campaigns/port_list.html"
    filterset_class = PortFilter
    columns = (
        Column("name", gettext_lazy("name"), sort="name"),
        Column("code", gettext_lazy("code"), sort="code"),
        Column(
            "type",
            gettext_lazy("port type"),
            sort=("port_type", "subtype"),
            value=lambda port: f"{port.get_port_type_display()} · {port.get_subtype_display()}",
        ),
        Column("class", gettext_lazy("class"), sort="port_class", value="get_port_class_display"),
        Column("status", gettext_lazy("status"), sort="status", value="get_status_display"),
        Column(
            "authority",
            gettext_lazy("port authority"),
            sort="authority__name",
            value="authority.name",
        ),
    )

    def get_queryset(self):
        return port_list_for(self.user)


class PortDetailView(ScopedView):
    def get(self, request, pk):
        port = access_port(self.user, pk)
        context = {
            "port": port,
            "trail": authority_trail(self.scope, port.authority),
            **paginate_list(request, unit_list_for(self.user).filter(port=port)),
            "can_edit": self.scope.edits_path(port.authority.path),
        }
        return render(request, "campaigns/port_detail.html", context)


class _PortFormView(ScopedFormView):
    form_class = PortForm
    field_map = {"seasonal_months": "months"}

    def get_form_kwargs(self):
        return {"authorities": _editable_port_owners(self.user)}

    def success_message(self, obj):
        return _("The port %(name)s was saved.") % {"name": obj}


class PortCreateView(_PortFormView):
    def dispatch(self, request, *args, **kwargs):
        if not (self.scope.is_superuser or self.scope.edit_paths):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "initial": _initial(self.request, "authority")}

    def write(self, data):
        return services.port_create(actor=self.user, **data)

    def success_message(self, obj):
        return _("The port %(name)s was created.") % {"name": obj}

    def page_context(self):
        return {"title": _("New port"), "cancel_url": reverse("campaigns:port-list")}


class PortEditView(_PortFormView):
    def get_instance(self):
        return access_port(self.user, self.kwargs["pk"], edit=True)

    def write(self, data):
        return services.port_update(actor=self.user, port=self.instance, **data)

    def page_context(self):
        return {
            "title": _("Edit %(name)s") % {"name": self.instance.name},
            "trail": authority_trail(self.scope, self.instance.authority),
            "cancel_url": _detail_url(self.instance),
        }


# --- units ------------------------------------------------------------------------------------


class UnitListView(HierarchyListView):
    template_name = "campaigns/unit_list.html"
    filterset_class = UnitFilter
    columns = (
        Column("name", gettext_lazy("name"), sort="name"),
        Column("code", gettext_lazy("code"), sort="code"),
        Column("category", gettext_lazy("category"), sort="category", value="get_category_display"),
        Column("agency", gettext_lazy("agency"), sort="agency__name", value="agency.name"),
        Column("port", gettext_lazy("port"), sort="port__name", value="port.name"),
        Column(
            "authority",
            gettext_lazy("owning authority"),
            sort="authority__name",
            value="authority.name",
        ),
        Column(
            "status",
            gettext_lazy("status"),
            sort="-is_active",
            value=lambda unit: active_label(unit.is_active),
        ),
    )

    def get_queryset(self):
        return unit_list_for(self.user)

    def get_filterset_kwargs(self):
        return _unit_filter_choices(port_list_for(self.user))


class UnitDetailView(ScopedView):
    def get(self, request, pk):
        unit = access_unit(self.user, pk)
        context = {
            "unit": unit,
            "trail": authority_trail(self.scope, unit.authority),
            "sub_units": list(unit_list_for(self.user).filter(parent=unit)),
            **paginate_list(request, person_list_for(self.user).filter(unit=unit)),
            "can_edit": self.scope.edits_path(unit.authority.path),
            "can_edit_people": self.scope.unit_allows_people_edit(unit),
            "can_edit_contact": can_edit_unit_contact(self.scope, unit),
        }
        return render(request, "campaigns/unit_detail.html", context)


class _UnitFormView(ScopedFormView):
    """Parent units are offered from one authority only: a sub-unit shares its parent's
    authority (`services.check_unit_links`), and a national list would run to thousands."""

    form_class = UnitForm

    def parent_authority_id(self):
        """The authority whose units may be the parent, or None to offer no parent."""
        raise NotImplementedError

    def get_form_kwargs(self):
        authority_id = self.parent_authority_id()
        return {
            "authorities": _editable_unit_owners(self.user),
            "ports": port_list_for(self.user),
            "parents": None
            if authority_id is None
            else unit_list_for(self.user, edit=True).filter(authority_id=authority_id),
            "agencies": agency_list_current(),
        }

    def success_message(self, obj):
        return _("The unit %(name)s was saved.") % {"name": obj}


class UnitCreateView(_UnitFormView):
    """`?parent=` (the "Add sub-unit" link) preselects the parent unit and its authority;
    `?authority=` preselects an authority; both offer that authority's units as parents."""

    def dispatch(self, request, *args, **kwargs):
        if not (self.scope.is_superuser or self.scope.edit_paths):
            raise PermissionDenied
        self.parent = self.owner = None
        if request.GET.get("parent"):
            self.parent = access_unit(self.user, request.GET["parent"], edit=True)
            self.owner = self.parent.authority
        elif request.GET.get("authority"):
            self.owner = get_or_404(_editable_unit_owners(self.user), request.GET["authority"])
        return super().dispatch(request, *args, **kwargs)

    def parent_authority_id(self):
        return self.owner.pk if self.owner else None

    def get_form_kwargs(self):
        initial = _initial(self.request, "port")
        if self.owner:
            initial["authority"] = self.owner.pk
        if self.parent:
            initial["parent"] = self.parent.pk
            initial.setdefault("port", self.parent.port_id)
        return {**super().get_form_kwargs(), "initial": initial}

    def write(self, data):
        return services.unit_create(actor=self.user, **data)

    def success_message(self, obj):
        return _("The unit %(name)s was created.") % {"name": obj}

    def page_context(self):
        cancel = self.parent or self.owner
        return {
            "title": _("New participating unit"),
            "cancel_url": _detail_url(cancel) if cancel else reverse("campaigns:unit-list"),
        }


class UnitEditView(_UnitFormView):
    def get_instance(self):
        return access_unit(self.user, self.kwargs["pk"], edit=True)

    def parent_authority_id(self):
        return self.instance.authority_id

    def write(self, data):
        return services.unit_update(actor=self.user, unit=self.instance, **data)

    def page_context(self):
        return {
            "title": _("Edit %(name)s") % {"name": self.instance.name},
            "trail": authority_trail(self.scope, self.instance.authority),
            "cancel_url": _detail_url(self.instance),
        }


# --- people -----------------------------------------------------------------------------------


class PersonListView(HierarchyListView):
    template_name = "campaigns/person_list.html"
    filterset_class = PersonFilter
    columns = (
        Column("name", gettext_lazy("name"), sort="name"),
        Column("code", gettext_lazy("code"), sort="code"),
        Column("gender", gettext_lazy("gender"), sort="gender", value="get_gender_display"),
        Column("position", gettext_lazy("position"), sort="position"),
        Column(
            "political_status",
            gettext_lazy("political status"),
            sort="political_status",
            value="get_political_status_display",
        ),
        Column("unit", gettext_lazy("unit"), sort="unit__name", value="unit.name"),
        Column(
            "status",
            gettext_lazy("status"),
            sort="-is_active",
            value=lambda person: active_label(person.is_active),
        ),
    )

    def get_queryset(self):
        return person_list_for(self.user)

    def can_add(self):
        # A unit contact may add people to their own unit.
        return super().can_add() or bool(self.scope.edit_unit_ids)


class PersonDetailView(ScopedView):
    def get(self, request, pk):
        person = access_person(self.user, pk)
        context = {
            "person": person,
            "trail": authority_trail(self.scope, person.unit.authority),
            "extra_trail": [{"name": person.unit.name, "url": _detail_url(person.unit)}],
            "can_edit": self.scope.unit_allows_people_edit(person.unit),
        }
        return render(request, "campaigns/person_detail.html", context)


class _PersonFormView(ScopedFormView):
    """The unit choices are the units of one authority (plus the person's current unit), so no
    page lists a whole province's units; `?authority=` switches to another authority the user
    edits. Only a user with few editable units gets them all."""

    form_class = PersonForm
    units = None
    owner = None  # the authority whose units are offered; None when all are

    def requested_owner(self):
        """The authority of `?authority=`, among those the user edits (404 otherwise)."""
        pk = self.request.GET.get("authority")
        return get_or_404(_editable_unit_owners(self.user), pk) if pk else None

    def get_form_kwargs(self):
        return {"units": self.units, "units_of": self.owner}

    def owner_form(self):
        """The GET form switching to another authority's units, for users editing several."""
        if self.owner is None or not (self.scope.edit_paths or self.scope.is_superuser):
            return None
        form = UnitOwnerChoiceForm(
            initial={"authority": self.owner.pk},
            authorities=_owners_of_units(self.user),
        )
        return form if len(form.fields["authority"].choices) > 2 else None

    def success_message(self, obj):
        return _("%(name)s was saved.") % {"name": obj}


class PersonCreateView(_PersonFormView):
    """`?unit=` (the unit page's "Add person") offers that unit's authority's units with the
    unit preselected; `?authority=` that authority's units. Without either, a user with more
    editable units than PERSON_UNIT_CHOICES_MAX is asked for the authority first."""

    def dispatch(self, request, *args, **kwargs):
        scope = self.scope
        if not (scope.is_superuser or scope.edit_paths or scope.edit_unit_ids):
            raise PermissionDenied
        self.unit = None
        units = _units_for_people_edit(self.user)
        if request.GET.get("unit"):
            self.unit = access_unit(self.user, request.GET["unit"])
            if not scope.unit_allows_people_edit(self.unit):
                raise PermissionDenied
            self.owner = self.unit.authority
        else:
            self.owner = self.requested_owner()
        if self.owner is not None:
            units = units.filter(authority=self.owner)
        elif units.count() > PERSON_UNIT_CHOICES_MAX:
            return self.choose_owner(request)
        self.units = units
        return super().dispatch(request, *args, **kwargs)

    def choose_owner(self, request):
        form = UnitOwnerChoiceForm(authorities=_owners_of_units(self.user))
        context = {
            "title": _("New person"),
            "form": form,
            "cancel_url": reverse("campaigns:person-list"),
        }
        return render(request, "campaigns/unit_owner_choice.html", context)

    def get_form_kwargs(self):
        initial = {"unit": self.unit.pk} if self.unit else {}
        return {**super().get_form_kwargs(), "initial": initial}

    def write(self, data):
        return services.person_create(actor=self.user, **data)

    def success_message(self, obj):
        return _("%(name)s was added.") % {"name": obj}

    def page_context(self):
        return {
            "title": _("New person"),
            "cancel_url": _detail_url(self.unit) if self.unit else reverse("campaigns:person-list"),
            "owner_form": self.owner_form(),
        }


class PersonEditView(_PersonFormView):
    def get_instance(self):
        return access_person(self.user, self.kwargs["pk"], edit=True)

    def get_form_kwargs(self):
        current = self.instance.unit
        self.owner = self.requested_owner() or current.authority
        self.units = _units_for_people_edit(self.user).filter(
            Q(authority=self.owner) | Q(pk=current.pk)
        )
        return super().get_form_kwargs()

    def write(self, data):
        return services.person_update(actor=self.user, person=self.instance, **data)

    def page_context(self):
        return {
            "title": _("Edit %(name)s") % {"name": self.instance.name},
            "trail": authority_trail(self.scope, self.instance.unit.authority),
            "cancel_url": _detail_url(self.instance),
            "owner_form": self.owner_form(),
        }


# The names the URL map uses.
home = HomeView.as_view()
authority_detail = AuthorityDetailView.as_view()
authority_create = AuthorityCreateView.as_view()
authority_edit = AuthorityEditView.as_view()
port_list = PortListView.as_view()
port_detail = PortDetailView.as_view()
port_create = PortCreateView.as_view()
port_edit = PortEditView.as_view()
unit_list = UnitListView.as_view()
unit_detail = UnitDetailView.as_view()
unit_create = UnitCreateView.as_view()
unit_edit = UnitEditView.as_view()
person_list = PersonListView.as_view()
person_detail = PersonDetailView.as_view()
person_create = PersonCreateView.as_view()
person_edit = PersonEditView.as_view()
