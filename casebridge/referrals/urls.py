from django.urls import path

from casebridge.referrals import views

urlpatterns = [
    path("inbox/", views.inbox, name="referral_inbox"),
    path("metrics/", views.metrics, name="referral_metrics"),
    path("respond/<str:token>/", views.respond, name="referral_respond"),
    path("person/<uuid:person_id>/", views.person_referrals, name="person_referrals"),
    path("person/<uuid:person_id>/new/", views.referral_new, name="referral_new"),
    path("<uuid:service_referral_id>/", views.referral_detail, name="service_referral_detail"),
    path(
        "<uuid:service_referral_id>/status/", views.referral_status, name="service_referral_status"
    ),
]
