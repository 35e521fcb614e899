"""Screens of the award round, one module per part; each module has its own `urlpatterns`."""
