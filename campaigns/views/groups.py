"""Screens of leading groups (领导小组): an authority's group (leader, deputies, member agencies
with their representatives, its office), its meetings with their resolutions and files.

An authority's managers keep its group; the levels above read it; everyone else gets a 404.
Access helpers → form → service → message → redirect; templates run no queries.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from campaigns.access import (
    access_group_authority,
    access_meeting,
    access_resolution,
    access_resolution_attachment,
)
from campaigns.approvals import approval_subjects
from campaigns.forms.groups import (
    LeadingGroupForm,
    MeetingForm,
    MemberFormSet,
    OfficerFormSet,
    ResolutionAttachmentForm,
    ResolutionForm,
)
from campaigns.models import Agency, LeadingGroup
from campaigns.scope import scope_for
from campaigns.selectors.groups import (
    can_edit_group,
    leading_group_of,
    meeting_list_for,
    meeting_resolutions,
    office_staff,
)
from campaigns.services import groups as services
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.notifications import local_today
from civport.uploads import stored_file_response
from civport.viewbases import ScopedListView, ScopedView

RECENT_MEETINGS = 5


def _group_url(authority_pk):
    return reverse("campaigns:leading-group", args=[authority_pk])


def _meeting_url(meeting):
    return reverse("campaigns:meeting-detail", args=[meeting.pk])


def _trail(authority, *, group=True):
    trail = [
        {
            "name": authority.name,
            "url": reverse("campaigns:authority-detail", args=[authority.pk]),
        }
    ]
    if group:
        trail.append({"name": _("Leading group"), "url": _group_url(authority.pk)})
    return trail


@require_GET
def leading_group_detail(request, pk):
    """The authority's leading group: leader and deputies, members, office, recent meetings."""
    authority = access_group_authority(request.user, pk)
    group = leading_group_of(authority)
    meetings = (
        list(meeting_list_for(request.user).filter(group=group)[:RECENT_MEETINGS])
        if group is not None
        else []
    )
    context = {
        "authority": authority,
        "group": group,
        "officers": list(group.officers.all()) if group else [],
        "members": list(group.members.all()) if group else [],
        "office_staff": office_staff(authority),
        "meetings": meetings,
        "can_edit": can_edit_group(scope_for(request.user), authority),
        "extra_trail": _trail(authority, group=False),
    }
    return render(request, "campaigns/groups/group_detail.html", context)


class LeadingGroupEditView(ScopedView):
    """Record the authority's group: its name and office, leader and deputies, members."""

    def dispatch(self, request, *args, **kwargs):
        self.authority = access_group_authority(self.user, kwargs["pk"], edit=True)
        self.group = leading_group_of(self.authority)
        self.agencies = {a.pk: a for a in Agency.objects.order_by("code")}
        return super().dispatch(request, *args, **kwargs)

    def _forms(self, data=None):
        group = self.group
        if group is None:
            initial = {"name": _("Leading group of %(authority)s") % {"authority": self.authority}}
            officers, members = [], []
        else:
            initial = {
                "name": group.name,
                "established_on": group.established_on,
                "office_head": group.office_head,
                "office_head_post": group.office_head_post,
                "office_duties": group.office_duties,
            }
            officers = [
                {"role": o.role, "name": o.name, "post": o.post, "agency": o.agency_id or ""}
                for o in group.officers.all()
            ]
            members = [
                {
                    "agency": m.agency_id,
                    "role": m.role,
                    "representative": m.representative,
                    "representative_post": m.representative_post,
                    "joined_on": m.joined_on,
                    "left_on": m.left_on,
                }
                for m in group.members.all()
            ]
        kwargs = {"form_kwargs": {"agencies": self.agencies}}
        if data is not None:
            # Posted rows are read as they are: a row left as it was shown still counts (a
            # formset skips a row equal to its initial values when it is counted as extra).
            officers, members = None, None
        return (
            LeadingGroupForm(data, initial=initial),
            OfficerFormSet(data, initial=officers, prefix="officers", **kwargs),
            MemberFormSet(data, initial=members, prefix="members", **kwargs),
        )

    def get(self, request, **kwargs):
        return self._render(request, *self._forms())

    def post(self, request, **kwargs):
        form, officers, members = self._forms(request.POST)
        if form.is_valid() and officers.is_valid() and members.is_valid():
            try:
                services.leading_group_save(
                    actor=self.user,
                    authority=self.authority,
                    **form.cleaned_data,
                    officers=[f.cleaned_data for f in officers.forms if f.cleaned_data],
                    members=[f.cleaned_data for f in members.forms if f.cleaned_data],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The leading group was saved."))
                return redirect(_group_url(self.authority.pk))
        return self._render(request, form, officers, members, status=400)

    def _render(self, request, form, officers, members, status=200):
        title = _("Edit the leading group of %(authority)s") % {"authority": self.authority.name}
        context = {
            "form": form,
            "officers": officers,
            "members": members,
            "authority": self.authority,
            "title": title,
            "cancel_url": _group_url(self.authority.pk),
            "extra_trail": _trail(self.authority),
        }
        return render(request, "campaigns/groups/group_form.html", context, status=status)


class MeetingListView(ScopedListView):
    """The meetings of one authority's leading group, newest first."""

    template_name = "campaigns/groups/meeting_list.html"
    columns = (
        Column("held_on", gettext_lazy("held on"), sort="held_on"),
        Column("title", gettext_lazy("title"), sort="title"),
        Column("place", gettext_lazy("place"), sort="place"),
        Column(
            "resolutions",
            gettext_lazy("resolutions"),
            sort="resolution_count",
            value="resolution_count",
        ),
    )

    def get_queryset(self):
        self.authority = access_group_authority(self.user, self.kwargs["pk"])
        return meeting_list_for(self.user).filter(group__authority=self.authority)

    def get_context_data(self, **context):
        return super().get_context_data(
            **context,
            authority=self.authority,
            can_add=can_edit_group(self.scope, self.authority),
            extra_trail=_trail(self.authority),
        )


class MeetingFormView(ScopedView):
    """Record a meeting of the authority's group (`pk` of the authority), or change one
    (`meeting_pk`)."""

    meeting = None

    def dispatch(self, request, *args, **kwargs):
        if "meeting_pk" in kwargs:
            self.meeting = access_meeting(self.user, kwargs["meeting_pk"], edit=True)
            self.group = self.meeting.group
            self.authority = self.group.authority
        else:
            self.authority = access_group_authority(self.user, kwargs["pk"], edit=True)
            self.group = LeadingGroup.objects.filter(authority=self.authority).first()
            if self.group is None:
                messages.error(request, _("Record the leading group before its meetings."))
                return redirect(_group_url(self.authority.pk))
        self.member_agencies = Agency.objects.filter(
            pk__in=self.group.members.values("agency_id")
        ).order_by("code")
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        kwargs = {"member_agencies": self.member_agencies}
        if self.meeting is not None:
            return MeetingForm(
                data,
                instance=self.meeting,
                initial={
                    "agencies_present": list(
                        self.meeting.agencies_present.values_list("pk", flat=True)
                    )
                },
                **kwargs,
            )
        return MeetingForm(data, initial={"held_on": local_today()}, **kwargs)

    def get(self, request, **kwargs):
        return self._render(request, self._form())

    def post(self, request, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                if self.meeting is None:
                    meeting = services.meeting_create(
                        actor=self.user, group=self.group, **form.service_data()
                    )
                else:
                    meeting = services.meeting_update(
                        actor=self.user, meeting=self.meeting, **form.service_data()
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The meeting was saved."))
                return redirect(_meeting_url(meeting))
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        if self.meeting is None:
            title = _("New meeting of %(group)s") % {"group": self.group.name}
            cancel = reverse("campaigns:meeting-list", args=[self.authority.pk])
        else:
            title = _("Edit %(meeting)s") % {"meeting": self.meeting.title}
            cancel = _meeting_url(self.meeting)
        context = {
            "form": form,
            "title": title,
            "cancel_url": cancel,
            "extra_trail": _trail(self.authority),
        }
        return render(request, "campaigns/form.html", context, status=status)


def _meeting_detail(request, meeting, *, resolution_form=None, file_form=None, status=200):
    authority = meeting.group.authority
    may_edit = can_edit_group(scope_for(request.user), authority)
    subjects = approval_subjects(authority) if may_edit else []
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "authority": authority,
        "agencies_present": list(meeting.agencies_present.order_by("code")),
        "resolutions": meeting_resolutions(meeting),
        "can_edit": may_edit,
        "can_resolve": may_edit and meeting.held_on <= local_today(),
        "resolution_form": (resolution_form or ResolutionForm(subjects=subjects))
        if may_edit
        else None,
        "file_form": (file_form or ResolutionAttachmentForm()) if may_edit else None,
        "extra_trail": [
            *_trail(authority),
            {
                "name": _("Meetings"),
                "url": reverse("campaigns:meeting-list", args=[authority.pk]),
            },
        ],
    }
    return render(request, "campaigns/groups/meeting_detail.html", context, status=status)


@require_GET
def meeting_detail(request, pk):
    return _meeting_detail(request, access_meeting(request.user, pk))


@require_POST
def resolution_add(request, pk):
    meeting = access_meeting(request.user, pk, edit=True)
    form = ResolutionForm(request.POST, subjects=approval_subjects(meeting.group.authority))
    if form.is_valid():
        try:
            resolution = services.resolution_add(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Resolution %(number)s was recorded.") % {"number": resolution.number},
            )
            return redirect(_meeting_url(meeting))
    return _meeting_detail(request, meeting, resolution_form=form, status=400)


@require_POST
def resolution_attachment_add(request, pk):
    resolution = access_resolution(request.user, pk, edit=True)
    form = ResolutionAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.resolution_attachment_add(
                actor=request.user, resolution=resolution, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The file %(name)s was added.") % {"name": attachment.original_name}
            )
            return redirect(_meeting_url(resolution.meeting))
    return _meeting_detail(request, resolution.meeting, file_form=form, status=400)


@require_GET
def resolution_attachment_download(request, pk):
    return stored_file_response(access_resolution_attachment(request.user, pk))


leading_group_edit = LeadingGroupEditView.as_view()
meeting_list = MeetingListView.as_view()
meeting_form = MeetingFormView.as_view()

urlpatterns = [
    path("authorities/<int:pk>/leading-group/", leading_group_detail, name="leading-group"),
    path(
        "authorities/<int:pk>/leading-group/edit/",
        leading_group_edit,
        name="leading-group-edit",
    ),
    path("authorities/<int:pk>/leading-group/meetings/", meeting_list, name="meeting-list"),
    path(
        "authorities/<int:pk>/leading-group/meetings/new/",
        meeting_form,
        name="meeting-create",
    ),
    path("leading-groups/meetings/<int:pk>/", meeting_detail, name="meeting-detail"),
    path("leading-groups/meetings/<int:meeting_pk>/edit/", meeting_form, name="meeting-edit"),
    path(
        "leading-groups/meetings/<int:pk>/resolutions/",
        resolution_add,
        name="resolution-add",
    ),
    path(
        "leading-groups/resolutions/<int:pk>/files/",
        resolution_attachment_add,
        name="resolution-attachment-add",
    ),
    path(
        "leading-groups/files/<int:pk>/",
        resolution_attachment_download,
        name="resolution-attachment",
    ),
]
