from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "casebridge.crisis"
    label = "crisis"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.crisis import access  # noqa: F401  (registers access-policy rules)
