from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "casebridge.tasks"
    label = "tasks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casebridge.tasks import access  # noqa: F401  (registers access-policy rules)
