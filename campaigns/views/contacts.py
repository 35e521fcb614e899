"""The contact directory (通讯录) of one's area: the offices of the authorities and units with
their telephone, address and e-mail, and the people who hold a role there with their work phone
and e-mail, masked outside the person's own unit and authority; and the forms where whoever
manages an authority or a unit keeps its office's details."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from campaigns.access.contacts import (
    access_authority_contact,
    access_unit_contact,
    can_edit_authority_contact,
    can_edit_unit_contact,
    sees_personal_contact,
)
from campaigns.filters import DirectoryAuthorityFilter, DirectoryPersonFilter, DirectoryUnitFilter
from campaigns.forms.contacts import OfficeContactForm
from campaigns.scope import scope_for
from campaigns.selectors.contacts import (
    directory_authorities_for,
    directory_people_for,
    directory_units_for,
)
from campaigns.services import contacts as services
from campaigns.views.hierarchy import authority_trail
from civport.forms import apply_service_errors, style_widgets
from civport.privacy import mask_email, mask_phone
from civport.viewbases import ScopedView, paginate_list

TABS = ("people", "authorities", "units")


def _role_line(membership):
    """A role and where it is held; the national office's role is named after its place."""
    place = membership.unit.name if membership.unit else membership.authority.name
    role = membership.get_role_display()
    return {"role": None if role == place else role, "place": place}


class DirectoryView(ScopedView):
    def get(self, request):
        scope = self.scope
        if scope.is_empty:
            raise Http404
        tab = request.GET.get("tab")
        if tab not in TABS:
            tab = "people"
        if tab == "people":
            filterset = DirectoryPersonFilter(
                request.GET or None, queryset=directory_people_for(self.user), scope=scope
            )
        elif tab == "authorities":
            filterset = DirectoryAuthorityFilter(
                request.GET or None, queryset=directory_authorities_for(self.user)
            )
        else:
            filterset = DirectoryUnitFilter(
                request.GET or None, queryset=directory_units_for(self.user)
            )
        listing = paginate_list(request, filterset.qs)
        rows = listing["page"].object_list
        if tab == "people":
            for person in rows:
                profile = getattr(person, "account_profile", None)
                phone, email = (profile.phone if profile else ""), person.email
                roles = list(person.memberships.all())
                person.roles = [_role_line(m) for m in roles]
                person.contact_whole = sees_personal_contact(scope, self.user.pk, person.pk, roles)
                person.shown_phone = phone if person.contact_whole else mask_phone(phone)
                person.shown_email = email if person.contact_whole else mask_email(email)
        elif tab == "authorities":
            for office in rows:
                office.can_edit_contact = can_edit_authority_contact(scope, office)
        else:
            for office in rows:
                office.can_edit_contact = can_edit_unit_contact(scope, office)
        tabs = [
            {"name": "people", "label": _("People")},
            {"name": "authorities", "label": _("Authorities")},
            {"name": "units", "label": _("Participating units")},
        ]
        return render(
            request,
            "campaigns/contacts/directory.html",
            {"tab": tab, "tabs": tabs, "filterset": filterset, **listing},
        )


directory = DirectoryView.as_view()


def _contact_edit(request, office, *, write, title, back, trail):
    initial = {
        "office_phone": office.office_phone,
        "office_address": office.office_address,
        "office_email": office.office_email,
    }
    form = OfficeContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
            style_widgets(form)
        else:
            messages.success(
                request, _("The contact details of %(name)s were saved.") % {"name": office.name}
            )
            return redirect(back)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": title, "cancel_url": back, "trail": trail},
    )


def authority_contact_edit(request, pk):
    authority = access_authority_contact(request.user, pk)
    return _contact_edit(
        request,
        authority,
        write=lambda data: services.authority_contact_update(
            actor=request.user, authority=authority, **data
        ),
        title=_("Contact details of %(name)s") % {"name": authority.name},
        back=reverse("campaigns:authority-detail", args=[authority.pk]),
        trail=authority_trail(scope_for(request.user), authority),
    )


def unit_contact_edit(request, pk):
    unit = access_unit_contact(request.user, pk)
    return _contact_edit(
        request,
        unit,
        write=lambda data: services.unit_contact_update(actor=request.user, unit=unit, **data),
        title=_("Contact details of %(name)s") % {"name": unit.name},
        back=reverse("campaigns:unit-detail", args=[unit.pk]),
        trail=[
            *authority_trail(scope_for(request.user), unit.authority),
            {"name": unit.name, "url": reverse("campaigns:unit-detail", args=[unit.pk])},
        ],
    )


urlpatterns = [
    path("directory/", directory, name="directory"),
    path("authorities/<int:pk>/contact/", authority_contact_edit, name="authority-contact-edit"),
    path("units/<int:pk>/contact/", unit_contact_edit, name="unit-contact-edit"),
]
