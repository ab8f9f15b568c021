from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casebridge.referrals"
    label = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.referrals import access  # noqa: F401  (registers access-policy rules)
