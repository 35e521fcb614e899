"""Screens of the hierarchy: authorities, ports, units, people."""

from django.shortcuts import render

from campaigns.scope import scope_for


def home(request):
    return render(request, "campaigns/home.html", {"scope": scope_for(request.user)})
