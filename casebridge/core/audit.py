"""The audit log: every write and every sensitive read appends one hash-chained event.

Call :func:`record` inside the same ``transaction.atomic()`` block as the write it describes, so
the event and the change commit or roll back together.
"""

import hashlib
import json
from collections.abc import Iterator

from django.db import connection, transaction

from casebridge.core import clock
from casebridge.core.context import current_request_context
from casebridge.core.models import AuditAction, AuditEvent

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 774_201_1  # arbitrary constant: one advisory lock serialises chain appends


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "sequence": event.sequence,
        "id": str(event.id),
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "agency_id": str(event.agency_id) if event.agency_id else None,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": str(event.person_id) if event.person_id else None,
        "ip_address": event.ip_address,
        "source": event.source,
        "reason": event.reason,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _object_type(obj) -> str:
    return obj._meta.label_lower


def record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    person=None,
    agency_id=None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the writer's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic().")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    context = current_request_context()
    if obj is not None:
        object_type = object_type or _object_type(obj)
        object_id = object_id or str(obj.pk)
    person_id = getattr(person, "pk", person)
    actor_is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        sequence=(last["sequence"] + 1) if last else 1,
        occurred_at=clock.now(),
        actor=actor if actor_is_user else None,
        actor_label=(actor.get_username() if actor_is_user else (context.actor_label or "system")),
        agency_id=agency_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        ip_address=context.ip_address,
        source=context.source,
        reason=reason,
        data=data or {},
        prev_hash=last["hash"] if last else GENESIS_HASH,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event


def record_view(*, actor, obj, person, agency_id=None, reason: str = "") -> AuditEvent:
    """Record that ``actor`` looked at a sensitive record (its own short transaction)."""
    with transaction.atomic():
        return record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=obj,
            person=person,
            agency_id=agency_id,
            reason=reason,
        )


def verify_chain(batch_size: int = 5000) -> Iterator[str]:
    """Yield a description of every break in the chain; yields nothing when it is intact."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    last_sequence = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size]
        )
        if not batch:
            return
        for event in batch:
            if event.sequence != expected_sequence:
                yield f"event #{expected_sequence} is missing (next found is #{event.sequence})"
            if event.prev_hash != expected_prev:
                yield f"event #{event.sequence} does not follow the previous event's hash"
            if compute_hash(event) != event.hash:
                yield f"event #{event.sequence} was altered after it was written"
            expected_prev = event.hash
            expected_sequence = event.sequence + 1
            last_sequence = event.sequence
