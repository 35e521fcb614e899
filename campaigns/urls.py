from django.urls import path

from campaigns.views import (
    accounts,
    contacts,
    dashboards,
    filings,
    groups,
    help,
    hierarchy,
    imports,
    notices,
    public,
    work,
)

app_name = "campaigns"

urlpatterns = [
    path("", hierarchy.home, name="home"),
    path("help/", help.help_page, name="help"),
    # Authorities
    path("authorities/<int:pk>/", hierarchy.authority_detail, name="authority-detail"),
    path("authorities/<int:pk>/edit/", hierarchy.authority_edit, name="authority-edit"),
    path("authorities/<int:parent_pk>/new/", hierarchy.authority_create, name="authority-create"),
    # Ports
    path("ports/", hierarchy.port_list, name="port-list"),
    path("ports/new/", hierarchy.port_create, name="port-create"),
    path("ports/<int:pk>/", hierarchy.port_detail, name="port-detail"),
    path("ports/<int:pk>/edit/", hierarchy.port_edit, name="port-edit"),
    # Participating units
    path("units/", hierarchy.unit_list, name="unit-list"),
    path("units/new/", hierarchy.unit_create, name="unit-create"),
    path("units/<int:pk>/", hierarchy.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", hierarchy.unit_edit, name="unit-edit"),
    # People
    path("people/", hierarchy.person_list, name="person-list"),
    path("people/new/", hierarchy.person_create, name="person-create"),
    path("people/<int:pk>/", hierarchy.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", hierarchy.person_edit, name="person-edit"),
    # Imports and exports (kind is one of authorities, ports, units, people)
    path("imports/", imports.import_start, name="import-start"),
    path("imports/<str:kind>/", imports.import_upload, name="import-upload"),
    path("imports/<str:kind>/confirm/", imports.import_confirm, name="import-confirm"),
    path("imports/<str:kind>/template.<str:fmt>", imports.import_template, name="import-template"),
    path("exports/<str:kind>.<str:fmt>", imports.export_records, name="export"),
    *accounts.urlpatterns,
    *contacts.urlpatterns,
    *filings.urlpatterns,
    *notices.urlpatterns,
    *groups.urlpatterns,
    *work.urlpatterns,
    *public.urlpatterns,
    *dashboards.urlpatterns,
]
