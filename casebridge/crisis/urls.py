from django.urls import path

from casebridge.crisis import views

urlpatterns = [
    path("person/<uuid:person_id>/", views.person_crisis, name="person_crisis"),
    path("person/<uuid:person_id>/flags/new/", views.flag_new, name="flag_new"),
    path("person/<uuid:person_id>/safety-plan/", views.safety_plan_edit, name="safety_plan_edit"),
    path("person/<uuid:person_id>/report/", views.crisis_new, name="crisis_new"),
    path("flags/<uuid:flag_id>/clear/", views.flag_clear, name="flag_clear"),
    path(
        "safety-plans/<uuid:safety_plan_id>/", views.safety_plan_detail, name="safety_plan_detail"
    ),
    path("<uuid:event_id>/", views.crisis_detail, name="crisis_detail"),
]
