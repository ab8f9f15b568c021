from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "casebridge.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.intake import access  # noqa: F401  (registers access-policy rules)
