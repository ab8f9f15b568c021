from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "casebridge.consent"
    label = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.consent import access  # noqa: F401  (registers access-policy rules)
