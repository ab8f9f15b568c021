from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def two_step_sign_in_required(app_configs, **kwargs):
    """Production should require a second factor from the roles that see clinical data."""
    if settings.MFA_REQUIRED and settings.MFA_REQUIRED_ROLES:
        return []
    return [
        Warning(
            "Two-step sign-in (MFA_REQUIRED) is off: staff who see clinical data sign in with "
            "a password alone.",
            hint="Set MFA_REQUIRED=1 and list the roles in MFA_REQUIRED_ROLES.",
            id="casebridge.W001",
        )
    ]
