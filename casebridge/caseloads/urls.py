from django.urls import path

from casebridge.caseloads import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("caseload/", views.caseload, name="caseload"),
]

person_urlpatterns = [
    path("<uuid:person_id>/timeline/", views.person_timeline, name="person_timeline"),
]
