from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casebridge.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from casebridge.accounts import checks  # noqa: F401 (registers the deploy check)
        from casebridge.accounts.middleware import note_what_sign_in_owes

        user_logged_in.connect(note_what_sign_in_owes, dispatch_uid="casebridge_two_step")
