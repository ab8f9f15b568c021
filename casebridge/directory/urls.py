from django.urls import path

from casebridge.directory import views

urlpatterns = [
    path("", views.directory_search, name="directory_search"),
    path("services/<uuid:service_id>/", views.service_detail, name="directory_service"),
    path("manage/", views.manage_home, name="directory_manage"),
    path("manage/import/", views.directory_import, name="directory_import"),
    path("manage/categories/new/", views.term_new, name="directory_term_new"),
    path("manage/organizations/new/", views.organization_new, name="directory_organization_new"),
    path(
        "manage/organizations/<uuid:organization_id>/",
        views.organization_edit,
        name="directory_organization",
    ),
    path(
        "manage/organizations/<uuid:organization_id>/locations/new/",
        views.location_new,
        name="directory_location_new",
    ),
    path(
        "manage/organizations/<uuid:organization_id>/services/new/",
        views.service_new,
        name="directory_service_new",
    ),
    path(
        "manage/organizations/<uuid:organization_id>/staff/",
        views.staff_add,
        name="directory_staff_add",
    ),
    path("manage/locations/<uuid:location_id>/", views.location_edit, name="directory_location"),
    path("manage/services/<uuid:service_id>/", views.service_edit, name="directory_service_edit"),
    path(
        "manage/staff/<uuid:provider_staff_id>/toggle/",
        views.staff_toggle,
        name="directory_staff_toggle",
    ),
]
