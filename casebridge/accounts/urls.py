from django.urls import path

from casebridge.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-step/", views.two_step_settings, name="two_step_settings"),
    path("two-step/verify/", views.two_step_verify, name="two_step_verify"),
    path("two-step/setup/", views.two_step_setup, name="two_step_setup"),
    path(
        "two-step/recovery-codes/",
        views.two_step_recovery_codes,
        name="two_step_recovery_codes",
    ),
    path("staff/", views.staff_list, name="staff_list"),
    path(
        "staff/<uuid:user_id>/two-step/reset/",
        views.staff_mfa_reset,
        name="staff_mfa_reset",
    ),
]
