from django.urls import path

from casebridge.enrollments import views

urlpatterns = [
    path("new/", views.enrollment_create, name="enrollment_create"),
    path("<uuid:enrollment_id>/", views.enrollment_detail, name="enrollment_detail"),
    path("<uuid:enrollment_id>/edit/", views.enrollment_edit, name="enrollment_edit"),
    path("<uuid:enrollment_id>/activate/", views.enrollment_activate, name="enrollment_activate"),
    path("<uuid:enrollment_id>/hold/", views.enrollment_hold, name="enrollment_hold"),
    path(
        "<uuid:enrollment_id>/discharge/", views.enrollment_discharge, name="enrollment_discharge"
    ),
    path(
        "<uuid:enrollment_id>/discharge/summary/",
        views.enrollment_summary,
        name="enrollment_summary",
    ),
    path("<uuid:enrollment_id>/transfer/", views.enrollment_transfer, name="enrollment_transfer"),
]
