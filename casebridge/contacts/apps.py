from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "casebridge.contacts"
    label = "contacts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.contacts import access  # noqa: F401  (registers access-policy rules)
