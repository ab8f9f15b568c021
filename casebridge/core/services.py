"""Helpers shared by every app's services."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from casebridge.core.access import principal_for


def require_role(actor, *roles: str, agency_id=None) -> None:
    """Raise PermissionDenied unless ``actor`` holds one of ``roles`` (in ``agency_id``)."""
    if not principal_for(actor).has_role(*roles, agency_id=agency_id):
        raise PermissionDenied(_("Your role does not allow this action."))


def apply_changes(instance, changes: dict) -> list[str]:
    """Set the given attributes; return the names of those whose value actually changed."""
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
