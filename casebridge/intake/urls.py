from django.urls import path

from casebridge.intake import views

urlpatterns = [
    path("", views.inbox, name="intake_inbox"),
    path("new/", views.referral_create, name="referral_create"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/<slug:action>/", views.referral_action, name="referral_action"),
    path(
        "<uuid:referral_id>/documents/<uuid:attachment_id>/",
        views.attachment_download,
        name="referral_attachment",
    ),
    path("waitlist/<uuid:program_id>/", views.waitlist, name="waitlist"),
]
