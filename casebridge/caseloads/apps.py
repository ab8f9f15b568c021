from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    name = "casebridge.caseloads"
    label = "caseloads"
    default_auto_field = "django.db.models.BigAutoField"
