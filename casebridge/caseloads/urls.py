from django.urls import path

from casebridge.caseloads import views

urlpatterns = [path("caseload/", views.caseload, name="caseload")]
