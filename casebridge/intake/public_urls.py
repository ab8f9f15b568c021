from django.urls import path

from casebridge.intake import views

urlpatterns = [path("<slug:agency_slug>/", views.self_referral, name="self_referral")]
