"""Helpers shared by every app's services."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.core import audit
from casebridge.core.access import principal_for
from casebridge.core.errors import TransitionError
from casebridge.core.models import AuditAction


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


def require_access(actor, obj, roles, *, message: str) -> None:
    """PermissionDenied unless ``actor`` holds one of ``roles`` in the record's agency and the
    access policy lets them see the record."""
    require_role(actor, *roles, agency_id=obj.agency_id)
    if not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def transition(
    *,
    actor,
    obj,
    allowed: dict,
    statuses,
    to_status: str,
    message: str,
    reason: str = "",
    **changes,
):
    """Move ``obj.status`` along a state machine (a dict of allowed moves) under a row lock,
    with one audit event; ``message`` explains a refused move (%(current)s, %(target)s)."""
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if to_status not in allowed.get(locked.status, set()):
            target = statuses(to_status).label if to_status in statuses.values else to_status
            raise TransitionError(
                message
                % {"current": statuses(locked.status).label.lower(), "target": str(target).lower()}
            )
        from_status = locked.status
        changed = apply_changes(locked, {**changes, "status": to_status})
        locked.save()
        audit.record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=locked,
            person=locked.person_id,
            agency_id=locked.agency_id,
            reason=reason,
            data={"from": from_status, "to": to_status, "fields": sorted(changed)},
        )
    obj.refresh_from_db()
    return obj
