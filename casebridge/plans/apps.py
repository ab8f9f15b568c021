from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "casebridge.plans"
    label = "plans"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.plans import access  # noqa: F401  (registers access-policy rules)
