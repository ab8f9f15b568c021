"""Person-centred care plans: versioned plans, goals in the person's words, steps, progress."""

from django.urls import path

from casebridge.plans import views

urlpatterns = [
    path("person/<uuid:person_id>/", views.person_plans, name="person_plans"),
    path("person/<uuid:person_id>/new/", views.plan_create, name="plan_create"),
    path("<uuid:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<uuid:plan_id>/status/", views.plan_status, name="plan_status"),
    path("<uuid:plan_id>/new-version/", views.plan_new_version, name="plan_new_version"),
    path("<uuid:plan_id>/sign-off/", views.plan_sign_off, name="plan_sign_off"),
    path("<uuid:plan_id>/goals/new/", views.goal_create, name="plan_goal_create"),
    path("<uuid:plan_id>/steps/new/", views.step_create, name="plan_step_create"),
    path("<uuid:plan_id>/review/", views.plan_review, name="plan_review"),
    path("<uuid:plan_id>/agreement/", views.plan_agreement, name="plan_agreement"),
    path("<uuid:plan_id>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("goals/<uuid:goal_id>/edit/", views.goal_edit, name="plan_goal_edit"),
    path("goals/<uuid:goal_id>/status/", views.goal_status, name="plan_goal_status"),
    path("goals/<uuid:goal_id>/progress/", views.goal_progress, name="plan_goal_progress"),
    path("steps/<uuid:step_id>/status/", views.step_status, name="plan_step_status"),
]
