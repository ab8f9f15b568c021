from django.urls import path

from casebridge.assessments import views

urlpatterns = [
    path("person/<uuid:person_id>/", views.person_assessments, name="person_assessments"),
    path("person/<uuid:person_id>/start/", views.assessment_start, name="assessment_start"),
    path("<uuid:response_id>/", views.assessment_detail, name="assessment_detail"),
]
