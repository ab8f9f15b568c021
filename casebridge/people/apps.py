from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "casebridge.people"
    label = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.people import access  # noqa: F401  (registers access-policy rules)
