"""The user guide: how to do each task a role's home page lists, the reader's own roles first
and open."""

from django.shortcuts import render

from campaigns.models import Membership

Role = Membership.Role


def help_page(request):
    mine = set(Membership.objects.filter(user=request.user).values_list("role", flat=True))
    guides = [
        {
            "code": role.value,
            "label": role.label,
            "mine": role.value in mine,
            "open": role.value in mine or not mine,
            "template": f"campaigns/help/_{role.value}.html",
        }
        for role in Role
    ]
    guides.sort(key=lambda guide: not guide["mine"])
    return render(request, "campaigns/help/guide.html", {"guides": guides})
