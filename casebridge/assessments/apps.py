from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casebridge.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.assessments import access  # noqa: F401  (registers access-policy rules)
