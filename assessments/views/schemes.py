"""schemes screens (placeholder until the screens are written)."""

from django.http import HttpResponse
from django.urls import path


def placeholder(request):
    return HttpResponse("")


urlpatterns = [path("schemes/", placeholder, name="scheme-list")]
