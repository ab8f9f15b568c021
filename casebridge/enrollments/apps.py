from django.apps import AppConfig


class EnrollmentsConfig(AppConfig):
    name = "casebridge.enrollments"
    label = "enrollments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.enrollments import access  # noqa: F401  (registers access-policy rules)
